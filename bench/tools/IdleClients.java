import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens N idle TCP connections to HOST:PORT, prints "ready N" once they are open, and
 * holds them until RELEASE_FILE exists or HOLD_SECONDS pass, whichever comes first.
 * Used by bench/run.sh --mode idle (java IdleClients.java HOST PORT N HOLD_SECONDS RELEASE_FILE).
 * Bounded in count and time; loopback only is the caller's business (run.sh passes 127.0.0.1).
 */
public final class IdleClients {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        long holdMillis = Long.parseLong(args[3]) * 1000;
        Path release = Path.of(args[4]);
        InetSocketAddress target = new InetSocketAddress(host, port);
        List<SocketChannel> open = new ArrayList<>(n);
        int failed = 0;
        long deadline = System.currentTimeMillis() + holdMillis;
        for (int i = 0; i < n && System.currentTimeMillis() < deadline; i++) {
            try {
                SocketChannel ch = SocketChannel.open();
                ch.connect(target);
                open.add(ch);
            } catch (IOException e) {
                failed++;
                if (failed == 1 || failed % 1000 == 0) {
                    System.out.println("connect failed (" + failed + "): " + e);
                }
                if (failed > n / 10) {
                    break;
                }
            }
        }
        // Give the proxy time to open its server side of each connection too.
        Thread.sleep(1000);
        System.out.println("ready " + open.size() + " failed " + failed);
        System.out.flush();
        while (System.currentTimeMillis() < deadline && !Files.exists(release)) {
            Thread.sleep(100);
        }
        for (SocketChannel ch : open) {
            ch.close();
        }
        System.out.println("released " + open.size());
    }
}
