package io.pointsman.proxy.resolve;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the configured name servers ({@code global.resolvers.nameservers}) directly, with
 * Netty's DNS client on its own small event loop: A and AAAA for host names, SRV for
 * service names ({@code server_template}). Nothing is cached here: every resolution is a
 * question to a server, so a
 * changed record is seen at the next one. Callers wait for the answer (up to the query
 * timeout): they are the apply thread and the re-resolution thread, never an event loop.
 */
public final class DnsServerResolver implements HostResolver {
    private static final long TIMEOUT_MILLIS = 3000;

    private final EventLoopGroup group;
    private final DnsNameResolver resolver;

    public DnsServerResolver(List<InetSocketAddress> nameservers) {
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pointsman-dns", true),
                NioIoHandler.newFactory());
        this.resolver = new DnsNameResolverBuilder(group.next())
                .datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(new SequentialDnsServerAddressStreamProvider(nameservers))
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                .queryTimeoutMillis(TIMEOUT_MILLIS / 2)
                .maxQueriesPerResolve(4)
                .recursionDesired(true)
                .build();
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        try {
            List<InetAddress> all = resolver.resolveAll(host).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            if (all.isEmpty()) {
                throw new UnknownHostException(host + ": no address");
            }
            return List.copyOf(all);
        } catch (ExecutionException e) {
            throw unknown(host, e.getCause());
        } catch (TimeoutException e) {
            throw new UnknownHostException(host + ": no answer from the name servers within " + TIMEOUT_MILLIS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": interrupted");
        }
    }

    @Override
    public List<SrvTarget> srv(String name) throws UnknownHostException {
        List<DnsRecord> records;
        try {
            records = resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.SRV))
                    .get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unknown(name, e.getCause());
        } catch (TimeoutException e) {
            throw new UnknownHostException(name + ": no answer from the name servers within " + TIMEOUT_MILLIS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(name + ": interrupted");
        }
        List<SrvTarget> out = new ArrayList<>();
        try {
            for (DnsRecord r : records) {
                if (r instanceof DnsRawRecord raw && r.type() == DnsRecordType.SRV) {
                    try {
                        out.add(srvRecord(raw.content()));
                    } catch (IllegalArgumentException bad) {
                        // A record we cannot read is left out; the others still count.
                    }
                }
            }
        } finally {
            records.forEach(ReferenceCountUtil::release);
        }
        if (out.isEmpty()) {
            throw new UnknownHostException(name + ": no SRV record");
        }
        out.sort(Comparator.comparingInt(SrvTarget::priority).thenComparing(t -> -t.weight())
                .thenComparing(SrvTarget::host).thenComparingInt(SrvTarget::port));
        return out;
    }

    /**
     * One SRV record's data (RFC 2782: priority, weight, port, the target's name), read
     * without moving {@code content}'s indexes. A name server's bytes: anything short,
     * malformed or pointing nowhere is refused.
     *
     * @throws IllegalArgumentException when the bytes are not an SRV record
     */
    static SrvTarget srvRecord(ByteBuf content) {
        ByteBuf in = content.duplicate();
        try {
            int priority = in.readUnsignedShort();
            int weight = in.readUnsignedShort();
            int port = in.readUnsignedShort();
            String target = DefaultDnsRecordDecoder.decodeName(in);
            if (target.endsWith(".")) {
                target = target.substring(0, target.length() - 1);
            }
            if (target.isEmpty() || port == 0) {
                // RFC 2782: target "." means no service here.
                throw new IllegalArgumentException("SRV record without a service (target '.', or port 0)");
            }
            return new SrvTarget(target, port, priority, weight);
        } catch (IndexOutOfBoundsException | io.netty.handler.codec.DecoderException e) {
            throw new IllegalArgumentException("bad SRV record: " + e.getMessage(), e);
        }
    }

    private static UnknownHostException unknown(String name, Throwable cause) {
        UnknownHostException e = new UnknownHostException(name + ": "
                + (cause == null ? "not found" : cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
