package io.pointsman.proxy.config;

/**
 * A named matcher: {@code {name: api, path_beg: ["/api/"]}}. Exactly one matcher key is
 * set (see {@link AclMatch}); its values are OR-ed, as in HAProxy.
 *
 * @param match      what is tested
 * @param ignoreCase compare text without regard to case (HAProxy {@code -i}); text matchers only
 */
public record Acl(
        String name,
        @OneOf(owner = "an acl", noun = "matcher",
                hint = "declare one acl per matcher and combine them in the condition") AclMatch match,
        Boolean ignoreCase) {

    /** An acl without {@code ignore_case}. */
    public Acl(String name, AclMatch match) {
        this(name, match, null);
    }

    /** Whether {@code ignore_case: true} was set. */
    public boolean ignoresCase() {
        return Boolean.TRUE.equals(ignoreCase);
    }
}
