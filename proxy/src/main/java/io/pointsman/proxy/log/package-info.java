/**
 * Access and event logs: how a line looks (formats) and where it goes (targets).
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.log.LogEntry}: the facts of one request or tcp session,
 *       filled by the handlers, handed to {@code runtime.AccessLogger}.</li>
 *   <li>{@link io.pointsman.proxy.log.LogFormat}: {@code httplog}, {@code tcplog},
 *       {@code json} and HAProxy's {@code %}-variables, compiled once per generation
 *       ({@link io.pointsman.proxy.log.FrontendLogging} holds a frontend's, with its
 *       {@link io.pointsman.proxy.log.Captures} and dontlog options).</li>
 *   <li>{@link io.pointsman.proxy.log.LogSinks} / {@link io.pointsman.proxy.log.LogTargets} /
 *       {@link io.pointsman.proxy.log.LogSink}: {@code global.log}, one sink per target kept
 *       across swaps, each with its own bounded buffer and writer thread
 *       ({@link io.pointsman.proxy.log.LogWriter}), syslog framing
 *       ({@code SyslogFraming}: rfc3164, rfc5424, raw) and transport ({@code DatagramTransport}
 *       for UDP and the local socket, {@code TcpTransport}, {@code StderrTransport}). Nothing
 *       here blocks an event loop: a full buffer or a failing transport drops lines, counted.</li>
 *   <li>{@link io.pointsman.proxy.log.LineBuilder}: the per-thread byte buffer lines are built in.</li>
 * </ul>
 */
package io.pointsman.proxy.log;
