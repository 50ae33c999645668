package io.pointsman.proxy.config;

/**
 * Kind of active health check, with the HAProxy option each one is:
 * {@code tcp} (a connect), {@code http} ({@code option httpchk}), {@code ssl_hello}
 * ({@code option ssl-hello-chk}), {@code redis} ({@code option redis-check}), {@code smtp}
 * ({@code option smtpchk}), {@code mysql} ({@code option mysql-check}), {@code pgsql}
 * ({@code option pgsql-check}), {@code script} ({@code option tcp-check} with
 * {@code tcp-check send/expect} rules).
 */
public enum CheckType { TCP, HTTP, SSL_HELLO, REDIS, SMTP, MYSQL, PGSQL, SCRIPT }
