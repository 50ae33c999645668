package io.pointsman.proxy.config;

/** Initial VRRP state of a Keepalived instance. */
public enum VrrpState { MASTER, BACKUP }
