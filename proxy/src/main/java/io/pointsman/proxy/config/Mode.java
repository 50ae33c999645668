package io.pointsman.proxy.config;

/** Proxy mode of a frontend, backend or listen. */
public enum Mode { HTTP, TCP }
