package io.pointsman.proxy.rules;

import io.pointsman.proxy.config.Userlist;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The config's userlists, ready to check {@code Authorization: Basic} credentials
 * ({@code http_auth(L)}): a plain {@code insecure_password} is compared in constant time on
 * the spot; a hash is checked by the {@link PasswordVerifier} (its cache answers at once
 * when it can, else the check runs on the verifier's executor). Immutable.
 */
public final class Userlists {
    public static final Userlists NONE = new Userlists(Map.of(), null);

    private final Map<String, Map<String, Userlist.Credential>> lists;
    private final PasswordVerifier verifier;

    private Userlists(Map<String, Map<String, Userlist.Credential>> lists, PasswordVerifier verifier) {
        this.lists = lists;
        this.verifier = verifier;
    }

    public static Userlists compile(List<Userlist> userlists, PasswordVerifier verifier) {
        Map<String, Map<String, Userlist.Credential>> lists = new HashMap<>();
        for (Userlist u : userlists) {
            Map<String, Userlist.Credential> users = new HashMap<>();
            for (Userlist.User user : u.users()) {
                users.put(user.name(), user.credential());
            }
            lists.put(u.name(), Map.copyOf(users));
        }
        return new Userlists(Map.copyOf(lists), verifier);
    }

    boolean has(String userlist) {
        return lists.containsKey(userlist);
    }

    /** An answer now, or a check to wait for. */
    record Check(Boolean now, CompletableFuture<Boolean> later) {
        static final Check YES = new Check(true, null);
        static final Check NO = new Check(false, null);
    }

    /**
     * Whether one of the request's Authorization values holds a user of {@code userlist}
     * with the right password. Only the first Basic credentials are tried (as HAProxy).
     */
    Check check(String userlist, List<String> authorization) {
        Map<String, Userlist.Credential> users = lists.get(userlist);
        if (users == null) {
            return Check.NO;
        }
        for (String value : authorization) {
            String[] userPass = basic(value);
            if (userPass == null) {
                continue;
            }
            Userlist.Credential c = users.get(userPass[0]);
            if (c instanceof Userlist.InsecurePassword p) {
                return PasswordVerifier.plainEquals(p.password(), userPass[1]) ? Check.YES : Check.NO;
            }
            if (c instanceof Userlist.Password h) {
                Boolean known = verifier.cached(h.hash(), userPass[1]);
                if (known != null) {
                    return known ? Check.YES : Check.NO;
                }
                return new Check(null, verifier.check(h.hash(), userPass[1]));
            }
            return Check.NO;
        }
        return Check.NO;
    }

    /** {user, password} from {@code Basic base64(user:password)}, or null. */
    static String[] basic(String value) {
        if (value == null || value.length() < 6 || !value.regionMatches(true, 0, "basic ", 0, 6)) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String s = new String(decoded, StandardCharsets.UTF_8);
        int colon = s.indexOf(':');
        return colon < 0 ? null : new String[] {s.substring(0, colon), s.substring(colon + 1)};
    }
}
