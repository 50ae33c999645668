package io.pointsman.proxy.config;

import java.util.List;

/**
 * How a named text (a header, a cookie, a query parameter) is matched: one key of the
 * matcher's map, as HAProxy's {@code hdr}, {@code hdr_beg}, … and {@code -m found}.
 * Several values are OR-ed. An acl's {@code ignore_case} applies to all but {@code reg},
 * which it makes case-insensitive too.
 */
public sealed interface TextMatch permits TextMatch.Values, TextMatch.Exact, TextMatch.Beg, TextMatch.End,
        TextMatch.Sub, TextMatch.Dom, TextMatch.Reg, TextMatch.Found {

    /** {@code values: [...]}: equal to one of them (the original spelling of {@code exact}). */
    record Values(@YamlValue List<String> values) implements TextMatch {
    }

    /** {@code exact: [...]}: equal to one of them ({@code hdr}). */
    record Exact(@YamlValue List<String> values) implements TextMatch {
    }

    /** {@code beg: [...]}: starts with one of them ({@code hdr_beg}). */
    record Beg(@YamlValue List<String> values) implements TextMatch {
    }

    /** {@code end: [...]}: ends with one of them ({@code hdr_end}). */
    record End(@YamlValue List<String> values) implements TextMatch {
    }

    /** {@code sub: [...]}: contains one of them ({@code hdr_sub}). */
    record Sub(@YamlValue List<String> values) implements TextMatch {
    }

    /** {@code dom: [...]}: holds one of them as whole dot/slash/colon-delimited labels ({@code hdr_dom}). */
    record Dom(@YamlValue List<String> values) implements TextMatch {
    }

    /** {@code reg: [...]}: one of the regexes is found in it ({@code hdr_reg}). */
    record Reg(@YamlValue List<Regex> values) implements TextMatch {
    }

    /** {@code found: true}: present at all, whatever its value ({@code -m found}); {@code false}: absent. */
    record Found(@YamlValue Boolean value) implements TextMatch {
    }
}
