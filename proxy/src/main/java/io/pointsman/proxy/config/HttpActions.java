package io.pointsman.proxy.config;

/**
 * The actions of {@code http_request} and {@code http_response} rules (SPEC §8), one
 * record each, named as HAProxy's {@code http-request} keywords in snake_case. Which
 * rule list takes which is said by {@link RequestAction} and {@link ResponseAction};
 * what each does is in the rules package.
 */
public final class HttpActions {
    private HttpActions() {}

    /**
     * {@code redirect: {scheme|prefix|location, code, drop_query}} ({@code http-request redirect}).
     *
     * @param to        where: {@code scheme} (same host and path), {@code prefix} (before the path), {@code location}
     * @param code      301, 302 (default), 303, 307 or 308
     * @param dropQuery leave the query out ({@code scheme}, {@code prefix})
     */
    public record Redirect(
            @OneOf(owner = "a redirect", noun = "target") RedirectTarget to,
            Integer code,
            Boolean dropQuery) implements RequestAction {
    }

    /**
     * {@code deny: {status}}: answer with an error page and never reach a server
     * ({@code http-request deny}, default 403; {@code http-response deny}, default 502).
     */
    public record Deny(Integer status) implements RequestAction, ResponseAction {
    }

    /** {@code return: {status, content_type, body}} ({@code http-request return}): answer with this. */
    public record Return(Integer status, String contentType, Template body) implements RequestAction {
    }

    /** {@code auth: {userlist, realm}} ({@code http-request auth} + {@code http_auth(L)}): 401 until the credentials are valid. */
    public record Auth(String userlist, String realm) implements RequestAction {
    }

    /** {@code set_header: {name, value}}: remove every {@code name}, then add it with {@code value}. */
    public record SetHeader(String name, Template value) implements RequestAction, ResponseAction {
    }

    /** {@code add_header: {name, value}}: add a {@code name} line, keeping the others. */
    public record AddHeader(String name, Template value) implements RequestAction, ResponseAction {
    }

    /** {@code del_header: {name}}: remove every {@code name} line. */
    public record DelHeader(String name) implements RequestAction, ResponseAction {
    }

    /** {@code replace_header: {name, regex, with}}: each {@code name} value the regex is found in becomes {@code with}. */
    public record ReplaceHeader(String name, Regex regex, Replacement with) implements RequestAction, ResponseAction {
    }

    /** {@code set_path: {value}}: the path becomes {@code value}; the query is kept. */
    public record SetPath(Template value) implements RequestAction {
    }

    /** {@code replace_path: {regex, with}}: if the regex is found in the path, the path becomes {@code with}. */
    public record ReplacePath(Regex regex, Replacement with) implements RequestAction {
    }

    /** {@code set_query: {value}}: the query (after '?') becomes {@code value}. */
    public record SetQuery(Template value) implements RequestAction {
    }

    /** {@code del_query_param: {name}}: remove every {@code name} and {@code name=…} parameter from the query. */
    public record DelQueryParam(String name) implements RequestAction {
    }
}
