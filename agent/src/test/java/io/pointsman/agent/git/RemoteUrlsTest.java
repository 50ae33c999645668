package io.pointsman.agent.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class RemoteUrlsTest {
    @Test
    void stripsUserinfo() {
        assertEquals("https://host/x", RemoteUrls.strip("https://user:tok@host/x"));
        assertEquals("https://host:8443/x.git", RemoteUrls.strip("https://tok@host:8443/x.git"));
        assertEquals("ssh://host/x", RemoteUrls.strip("ssh://git@host/x"));
        assertEquals("file:///srv/cfg.git", RemoteUrls.strip("file:///srv/cfg.git"));
        assertEquals("git://127.0.0.1:9418/cfg.git", RemoteUrls.strip("git://127.0.0.1:9418/cfg.git"));
        assertEquals("/srv/cfg.git", RemoteUrls.strip("/srv/cfg.git"));
        assertEquals("git@host:cfg.git", RemoteUrls.strip("git@host:cfg.git"));
    }

    @Test
    void scrubsMessages() {
        String url = "https://alice:s3cret@host/x";
        String msg = "https://alice:s3cret@host/x: not authorized; user alice:s3cret@ denied, token s3cret";
        String out = RemoteUrls.scrub(msg, url);
        assertFalse(out.contains("s3cret"), out);
    }
}
