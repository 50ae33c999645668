package io.pointsman.proxy.config;

/** Kind of active health check. */
public enum CheckType { TCP, HTTP }
