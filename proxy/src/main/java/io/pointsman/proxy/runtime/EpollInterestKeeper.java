package io.pointsman.proxy.runtime;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;

/**
 * Netty's {@link EpollIoHandler} with one repair: a socket stays in the epoll set while
 * its interest set is empty.
 *
 * <p>Why: Netty 4.2.18 (and 4.2.19, 4.2.20: same code) answers an empty interest set
 * with {@code EPOLL_CTL_DEL} but keeps the registration marked as added, so the next
 * interest (EPOLLOUT because a write must wait, or EPOLLIN for a read) is sent as
 * {@code EPOLL_CTL_MOD}, which fails with ENOENT, and the channel's output is shut. The
 * set only becomes empty after the peer's FIN (EPOLLRDHUP is dropped then), with no read
 * requested and nothing waiting to be written: exactly a half-closed TCP tunnel whose
 * other direction still has bytes to deliver.
 *
 * <p>The repair: an empty set is submitted as {@code EPOLLET} alone (an
 * {@code EPOLL_CTL_MOD} to "no events, edge-triggered"). The socket stays registered, so
 * the next interest is a MOD that works; it wakes the loop for nothing but errors and
 * hang-ups, and edge-triggered, those fire once per change, not on every {@code
 * epoll_wait} (the busy wake-ups Netty's DEL was meant to stop, netty#16683). An empty set
 * submitted before the socket was ever added is passed through unchanged (Netty then adds
 * it at its first real interest).
 */
final class EpollInterestKeeper implements IoHandler {
    private final IoHandler epoll;

    private EpollInterestKeeper(IoHandler epoll) {
        this.epoll = epoll;
    }

    /** {@link EpollIoHandler#newFactory()}, repaired. */
    static IoHandlerFactory newFactory() {
        IoHandlerFactory epoll = EpollIoHandler.newFactory();
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(io.netty.util.concurrent.ThreadAwareExecutor executor) {
                return new EpollInterestKeeper(epoll.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return epoll.isChangingThreadSupported();
            }
        };
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new Registration(epoll.register(handle));
    }

    @Override
    public void initialize() {
        epoll.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return epoll.run(context);
    }

    @Override
    public void prepareToDestroy() {
        epoll.prepareToDestroy();
    }

    @Override
    public void destroy() {
        epoll.destroy();
    }

    @Override
    public void wakeup() {
        epoll.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return epoll.isCompatible(handleType);
    }

    /** Touched only on the channel's event loop, as Netty's own registration state is. */
    private static final class Registration implements IoRegistration {
        private final IoRegistration epoll;
        private boolean added;

        Registration(IoRegistration epoll) {
            this.epoll = epoll;
        }

        @Override
        public long submit(IoOps ops) {
            if (ops instanceof EpollIoOps e && e.value() == EpollIoOps.NONE.value()) {
                return added ? epoll.submit(EpollIoOps.EPOLLET) : epoll.submit(ops);
            }
            long r = epoll.submit(ops);
            added |= r > 0;
            return r;
        }

        @Override
        public <T> T attachment() {
            return epoll.attachment();
        }

        @Override
        public boolean isValid() {
            return epoll.isValid();
        }

        @Override
        public boolean cancel() {
            return epoll.cancel();
        }
    }
}
