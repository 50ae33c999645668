package io.pointsman.agent.git;

import io.pointsman.proxy.config.load.ConfigFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * What Pointsman reads of one commit: {@code proxy.yaml}, {@code hosts/*.yaml} (or one
 * node's), {@code tests/*.yaml} and {@code fleet.yaml}, from the repo root or from a
 * subdirectory (a config kept inside a larger repo). Used by the node's mirror and by the
 * CLI's {@code diff} and {@code fleet} on a user's checkout.
 */
public final class CommitFiles {
    public static final String FLEET_YAML = "fleet.yaml";

    private CommitFiles() {}

    /**
     * @param prefix   the config directory inside the repo, {@code ""} for the root, else
     *                 {@code some/dir/} (with the slash)
     * @param hostFile the only host file wanted, or null for all of them
     */
    public static ConfigFiles read(Repository repo, ObjectId commit, String prefix, String hostFile) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (RevWalk rw = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            RevCommit c = rw.parseCommit(commit);
            try (TreeWalk tw = new TreeWalk(reader)) {
                tw.addTree(c.getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    String full = tw.getPathString();
                    if (!full.startsWith(prefix)) {
                        continue;
                    }
                    if (tw.getFileMode(0) != FileMode.REGULAR_FILE && tw.getFileMode(0) != FileMode.EXECUTABLE_FILE) {
                        continue;
                    }
                    String path = full.substring(prefix.length());
                    if (wanted(path, hostFile)) {
                        byte[] bytes = reader.open(tw.getObjectId(0), Constants.OBJ_BLOB).getBytes();
                        files.put(path, new String(bytes, StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return new ConfigFiles(files);
    }

    static boolean wanted(String path, String hostFile) {
        if (path.equals(ConfigFiles.PROXY_YAML) || path.equals(FLEET_YAML)) {
            return true;
        }
        if (path.startsWith("hosts/") && path.indexOf('/', 6) < 0 && path.endsWith(".yaml")) {
            return hostFile == null || path.equals(hostFile);
        }
        return path.startsWith("tests/") && path.indexOf('/', 6) < 0 && path.endsWith(".yaml");
    }
}
