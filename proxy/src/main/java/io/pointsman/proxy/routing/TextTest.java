package io.pointsman.proxy.routing;

import io.pointsman.proxy.config.Regex;
import io.pointsman.proxy.config.TextMatch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A compiled test on one text value, as HAProxy's pattern match methods ({@code -m str},
 * {@code beg}, {@code end}, {@code sub}, {@code reg}, {@code dom}, {@code dir}), with or
 * without case ({@code -i}). Values are OR-ed. Immutable; matching allocates nothing
 * except for {@code ignore_case} exact sets of more than {@value #LINEAR} values.
 */
abstract class TextTest {
    private static final int LINEAR = 8;

    abstract boolean test(String s);

    /** For {@link TextMatch}; {@link TextMatch.Found} has no text test (null). */
    static TextTest of(TextMatch m, boolean ignoreCase) {
        if (m instanceof TextMatch.Values v) {
            return exact(v.values(), ignoreCase);
        }
        if (m instanceof TextMatch.Exact v) {
            return exact(v.values(), ignoreCase);
        }
        if (m instanceof TextMatch.Beg v) {
            return beg(v.values(), ignoreCase);
        }
        if (m instanceof TextMatch.End v) {
            return end(v.values(), ignoreCase);
        }
        if (m instanceof TextMatch.Sub v) {
            return sub(v.values(), ignoreCase);
        }
        if (m instanceof TextMatch.Dom v) {
            return words(v.values(), ignoreCase, "/?.:");
        }
        if (m instanceof TextMatch.Reg v) {
            return reg(v.values(), ignoreCase);
        }
        return null; // Found: presence only
    }

    static TextTest exact(List<String> values, boolean ignoreCase) {
        if (!ignoreCase) {
            Set<String> set = Set.copyOf(new HashSet<>(values));
            return new TextTest() {
                @Override
                boolean test(String s) {
                    return set.contains(s);
                }
            };
        }
        if (values.size() <= LINEAR) {
            String[] vs = values.toArray(new String[0]);
            return new TextTest() {
                @Override
                boolean test(String s) {
                    for (String v : vs) {
                        if (v.equalsIgnoreCase(s)) {
                            return true;
                        }
                    }
                    return false;
                }
            };
        }
        Set<String> lower = new HashSet<>();
        values.forEach(v -> lower.add(v.toLowerCase(Locale.ROOT)));
        return new TextTest() {
            @Override
            boolean test(String s) {
                return lower.contains(s.toLowerCase(Locale.ROOT));
            }
        };
    }

    static TextTest beg(List<String> values, boolean ignoreCase) {
        String[] vs = values.toArray(new String[0]);
        return new TextTest() {
            @Override
            boolean test(String s) {
                for (String v : vs) {
                    if (s.regionMatches(ignoreCase, 0, v, 0, v.length())) {
                        return true;
                    }
                }
                return false;
            }
        };
    }

    static TextTest end(List<String> values, boolean ignoreCase) {
        String[] vs = values.toArray(new String[0]);
        return new TextTest() {
            @Override
            boolean test(String s) {
                for (String v : vs) {
                    if (s.length() >= v.length() && s.regionMatches(ignoreCase, s.length() - v.length(), v, 0, v.length())) {
                        return true;
                    }
                }
                return false;
            }
        };
    }

    static TextTest sub(List<String> values, boolean ignoreCase) {
        String[] vs = values.toArray(new String[0]);
        return new TextTest() {
            @Override
            boolean test(String s) {
                for (String v : vs) {
                    if (ignoreCase ? containsIgnoreCase(s, v) : s.contains(v)) {
                        return true;
                    }
                }
                return false;
            }
        };
    }

    static boolean containsIgnoreCase(String s, String v) {
        for (int i = 0; i + v.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, v, 0, v.length())) {
                return true;
            }
        }
        return false;
    }

    static TextTest reg(List<Regex> values, boolean ignoreCase) {
        Pattern[] ps = new Pattern[values.size()];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = ignoreCase ? values.get(i).caseInsensitive() : values.get(i).pattern();
        }
        return regex(ps);
    }

    static TextTest regex(Pattern[] ps) {
        return new TextTest() {
            @Override
            boolean test(String s) {
                for (Pattern p : ps) {
                    if (p.matcher(s).find()) {
                        return true;
                    }
                }
                return false;
            }
        };
    }

    /**
     * HAProxy's {@code match_word}: a value (delimiters at its ends stripped) found in the
     * text between delimiters or the text's ends. {@code dom} uses {@code / ? . :},
     * {@code dir} {@code / ?}.
     */
    static TextTest words(List<String> values, boolean ignoreCase, String delimiters) {
        List<String> stripped = new ArrayList<>();
        for (String v : values) {
            int s = 0;
            int e = v.length();
            while (s < e && delimiters.indexOf(v.charAt(s)) >= 0) {
                s++;
            }
            while (e > s && delimiters.indexOf(v.charAt(e - 1)) >= 0) {
                e--;
            }
            stripped.add(v.substring(s, e));
        }
        String[] vs = stripped.toArray(new String[0]);
        return new TextTest() {
            @Override
            boolean test(String s) {
                for (String v : vs) {
                    if (word(s, v, ignoreCase, delimiters)) {
                        return true;
                    }
                }
                return false;
            }
        };
    }

    private static boolean word(String s, String w, boolean ignoreCase, String delimiters) {
        int pl = w.length();
        if (pl > s.length()) {
            return false;
        }
        boolean mayMatch = true;
        int last = s.length() - pl;
        for (int c = 0; c <= last; c++) {
            if (delimiters.indexOf(s.charAt(c)) >= 0) {
                mayMatch = true;
                continue;
            }
            if (!mayMatch) {
                continue;
            }
            if (s.regionMatches(ignoreCase, c, w, 0, pl)
                    && (c == last || delimiters.indexOf(s.charAt(c + pl)) >= 0)) {
                return true;
            }
            mayMatch = false;
        }
        return false;
    }
}
