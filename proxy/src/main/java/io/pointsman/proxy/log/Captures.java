package io.pointsman.proxy.log;

import java.util.List;

/**
 * Which request and response headers a frontend captures into its log lines (HAProxy's
 * {@code capture request header NAME len N}): the first value of each, cut to its length,
 * shown by {@code %hr}/{@code %hs} as HAProxy's {@code {value1|value2}} blocks.
 */
public final class Captures {
    public static final Captures NONE = new Captures(List.of(), List.of());

    /** One captured header. */
    public record Header(String name, int length) {
    }

    private final List<Header> request;
    private final List<Header> response;

    public Captures(List<Header> request, List<Header> response) {
        this.request = List.copyOf(request);
        this.response = List.copyOf(response);
    }

    public List<Header> request() {
        return request;
    }

    public List<Header> response() {
        return response;
    }

    public boolean isEmpty() {
        return request.isEmpty() && response.isEmpty();
    }
}
