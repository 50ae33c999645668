/**
 * The agent's view of the central config repo: a local bare mirror under
 * {@code state-dir/repo.git}, kept in step with the remote by JGit.
 *
 * <p>Starting points: {@link io.pointsman.agent.git.GitMirror} (ls-remote, fetch only when
 * the head moved, read a commit's files, detect and repair a corrupt clone),
 * {@link io.pointsman.agent.git.Revision} ({@code main@sha1:<40 hex>}),
 * {@link io.pointsman.agent.git.RemoteAuth} (token, user/password, ssh key + known_hosts) and
 * {@link io.pointsman.agent.git.RemoteUrls} (credentials never leave this package in a URL),
 * {@link io.pointsman.agent.git.TrustedKeys} ({@code --trusted-keys}: SSH and OpenPGP commit
 * signatures, every commit since the last applied one).
 *
 * <p>Everything here blocks on disk and network: call it from the sync thread only,
 * never from a Netty event loop.
 */
package io.pointsman.agent.git;
