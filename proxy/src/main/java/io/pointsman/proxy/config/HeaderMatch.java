package io.pointsman.proxy.config;

import java.util.List;

/** ACL matcher on a request header: present with one of {@code values} (case-sensitive values, case-insensitive name). */
public record HeaderMatch(String name, List<String> values) {
    public HeaderMatch {
        values = Lists.of(values);
    }
}
