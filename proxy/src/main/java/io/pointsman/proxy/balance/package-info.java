/**
 * Load balancing: picking a server of a backend for a new connection (tcp) or request
 * (http).
 *
 * <p>Starting point: {@link io.pointsman.proxy.balance.Balancers#create}. Balancers are
 * built once per generation over that generation's servers; the live state they read
 * (health, current connections) comes through {@link io.pointsman.proxy.balance.Candidate}.
 */
package io.pointsman.proxy.balance;
