package io.pointsman.proxy.config;

/** PROXY protocol header sent to servers. */
public enum SendProxy { NONE, V1, V2 }
