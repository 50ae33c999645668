package io.pointsman.proxy.config.load;

import io.pointsman.proxy.config.Durations;
import io.pointsman.proxy.config.YamlName;
import io.pointsman.proxy.config.YamlShorthand;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds a {@link YamlNode} tree to the config records. A YAML key is the snake_case of
 * the component name unless {@link YamlName} says otherwise. Supported component types:
 * String, Integer, Boolean, Double, {@link Duration} (via {@link Durations#parse}), enums
 * (case-insensitive, or through the enum's own {@code parse(String)}), {@code List<X>}, nested
 * records (a scalar stands for the record's {@link YamlShorthand} component, when it has
 * one), and value types with a static {@code parse(String)}. Every problem is reported (unknown keys with a suggestion, wrong
 * types, bad values) and binding goes on, so one run shows them all. Records where a
 * value was bad get {@code null} there.
 *
 * <p>Records the location of every path it binds, for the validator's messages.
 */
final class RecordBinder {
    private final Problems problems;
    private final Map<String, YamlNode.Location> locations = new HashMap<>();

    RecordBinder(Problems problems) {
        this.problems = problems;
    }

    /** Where each bound YAML path was written: map entries at their key, list items at the item. */
    Map<String, YamlNode.Location> locations() {
        return locations;
    }

    <T> T bindRoot(YamlNode.MapNode root, Class<T> type) {
        locations.put("", root.location());
        return type.cast(bindRecord(root, type, ""));
    }

    private Object bind(YamlNode node, Type type, String path) {
        if (node instanceof YamlNode.NullNode) {
            return null;
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() == List.class) {
            return bindList(node, pt.getActualTypeArguments()[0], path);
        }
        Class<?> c = (Class<?>) type;
        if (isRecord(c)) {
            if (node instanceof YamlNode.ScalarNode s && SHAPES.get(c).shorthand() >= 0) {
                return bindShorthand(s, c, path);
            }
            if (!(node instanceof YamlNode.MapNode m)) {
                error(node, path, "expected a map, got " + got(node));
                return null;
            }
            return bindRecord(m, c, path);
        }
        if (!(node instanceof YamlNode.ScalarNode s)) {
            error(node, path, "expected " + expected(c) + ", got " + node.kind());
            return null;
        }
        return scalar(s, c, path);
    }

    /**
     * What binding needs of a record class, looked up once per class: reflection
     * ({@code getRecordComponents}, {@code getGenericType}, {@code getDeclaredConstructor})
     * parses class-file attributes and copies arrays on every call, which made binding a
     * 10,000-server config cost ~10 KB of garbage per server.
     */
    private record RecordShape(Map<String, Integer> indexByKey, Type[] genericTypes, Constructor<?> constructor,
                               int shorthand) {
        static RecordShape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Map<String, Integer> byKey = new LinkedHashMap<>();
            Type[] generic = new Type[components.length];
            Class<?>[] types = new Class<?>[components.length];
            int shorthand = -1;
            for (int i = 0; i < components.length; i++) {
                byKey.put(yamlName(components[i]), i);
                generic[i] = components[i].getGenericType();
                types[i] = components[i].getType();
                if (components[i].isAnnotationPresent(YamlShorthand.class)) {
                    shorthand = i;
                }
            }
            try {
                return new RecordShape(java.util.Collections.unmodifiableMap(byKey), generic,
                        type.getDeclaredConstructor(types), shorthand);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
            }
        }
    }

    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return RecordShape.of(type);
        }
    };

    /** {@link #parseMethod} per class; {@link Optional#empty()} when it has none. */
    private static final ClassValue<java.util.Optional<Method>> PARSE = new ClassValue<>() {
        @Override
        protected java.util.Optional<Method> computeValue(Class<?> c) {
            return java.util.Optional.ofNullable(findParseMethod(c));
        }
    };

    private Object bindRecord(YamlNode.MapNode map, Class<?> type, String path) {
        RecordShape shape = SHAPES.get(type);
        Object[] args = new Object[shape.genericTypes().length];
        for (YamlNode.Entry e : map.entries().values()) {
            String p = Paths.child(path, e.key());
            locations.put(p, e.keyLocation());
            Integer i = shape.indexByKey().get(e.key());
            if (i == null) {
                problems.addUnlessCovered(e.keyLocation(), p, "unknown key '" + e.key() + "'"
                        + hint(e.key(), shape.indexByKey().keySet()));
                continue;
            }
            args[i] = bind(e.value(), shape.genericTypes()[i], p);
        }
        try {
            return shape.constructor().newInstance(args);
        } catch (InvocationTargetException e) {
            problems.addUnlessCovered(map.location(), path, String.valueOf(e.getCause().getMessage()));
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    /** A record written as the scalar its {@link YamlShorthand} component stands for. */
    private Object bindShorthand(YamlNode.ScalarNode s, Class<?> type, String path) {
        RecordShape shape = SHAPES.get(type);
        Object[] args = new Object[shape.genericTypes().length];
        args[shape.shorthand()] = bind(s, shape.genericTypes()[shape.shorthand()], path);
        if (args[shape.shorthand()] == null) {
            return null;
        }
        try {
            return shape.constructor().newInstance(args);
        } catch (InvocationTargetException e) {
            problems.addUnlessCovered(s.location(), path, String.valueOf(e.getCause().getMessage()));
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    /** A record bound from a map; value records with a {@code parse(String)} are scalars. */
    private static boolean isRecord(Class<?> c) {
        return c.isRecord() && parseMethod(c) == null;
    }

    /** A record with every component absent, standing in for an entry that could not be bound. */
    private static Object blank(Class<?> c) {
        try {
            RecordShape shape = SHAPES.get(c);
            return shape.constructor().newInstance(new Object[shape.genericTypes().length]);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private List<Object> bindList(YamlNode node, Type element, String path) {
        if (node instanceof YamlNode.ListNode l) {
            List<Object> out = new ArrayList<>();
            boolean failed = false;
            for (int i = 0; i < l.items().size(); i++) {
                YamlNode item = l.items().get(i);
                String p = Paths.index(path, i);
                locations.put(p, item.location());
                Object v = null;
                if (item instanceof YamlNode.NullNode) {
                    error(item, p, "expected " + expected(element) + ", got null");
                } else {
                    v = bind(item, element, p);
                }
                if (v == null && element instanceof Class<?> c && isRecord(c)) {
                    // Keep list positions aligned with the YAML, so later paths stay right.
                    v = blank(c);
                }
                if (v == null) {
                    failed = true;
                } else {
                    out.add(v);
                }
            }
            // A value list with a bad element is left out whole: a shorter list would shift
            // the positions the validator reports.
            return failed ? null : out;
        }
        if (element instanceof Class<?> c && (node instanceof YamlNode.ScalarNode && !isRecord(c)
                || (isRecord(c) && SHAPES.get(c).shorthand() >= 0 && !(node instanceof YamlNode.ListNode)))) {
            // HAProxy users write `bind: "*:80"`: a single value is a one-element list (so is a
            // single {address, tls} where a bind is expected).
            Object v = bind(node, element, path);
            return v == null ? new ArrayList<>() : new ArrayList<>(List.of(v));
        }
        error(node, path, "expected a list, got " + got(node));
        return null;
    }

    private Object scalar(YamlNode.ScalarNode s, Class<?> c, String path) {
        Object v = s.value();
        if (c == String.class) {
            return s.text();
        }
        if (c == Integer.class || c == int.class) {
            Object n = v;
            if (v instanceof String str && s.secret()) {
                n = parseLong(str.trim());
            }
            if (n instanceof Long l) {
                if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                    error(s, path, "number " + show(s) + " out of range");
                    return null;
                }
                return (int) (long) l;
            }
            if (n instanceof BigInteger) {
                error(s, path, "number " + show(s) + " out of range");
                return null;
            }
            error(s, path, "expected a whole number, got " + got(s));
            return null;
        }
        if (c == Double.class || c == double.class) {
            Object n = v;
            if (v instanceof String str && s.secret()) {
                n = parseDouble(str.trim());
            }
            if (n instanceof Number num) {
                return num.doubleValue();
            }
            error(s, path, "expected a number, got " + got(s));
            return null;
        }
        if (c == Boolean.class || c == boolean.class) {
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String str && s.secret() && (str.trim().equals("true") || str.trim().equals("false"))) {
                return Boolean.parseBoolean(str.trim());
            }
            error(s, path, "expected true or false, got " + got(s));
            return null;
        }
        if (c == Duration.class) {
            if (!(v instanceof String)) {
                error(s, path, "expected a duration with a unit (250ms, 5s, 2m, 1h), got " + got(s));
                return null;
            }
            return parsed(s, path, () -> Durations.parse(s.text()));
        }
        if (c.isEnum() && parseMethod(c) == null) {
            for (Object constant : c.getEnumConstants()) {
                if (((Enum<?>) constant).name().equalsIgnoreCase(s.text().trim())) {
                    return constant;
                }
            }
            error(s, path, "bad value " + show(s) + " (expected one of: " + enumValues(c) + ")");
            return null;
        }
        Method parse = parseMethod(c);
        if (parse != null) {
            return parsed(s, path, () -> {
                try {
                    return parse.invoke(null, s.text());
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        throw new IllegalStateException("no binding for " + c);
    }

    private interface Parse {
        Object get();
    }

    private Object parsed(YamlNode.ScalarNode s, String path, Parse parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            if (s.secret() && !s.text().isEmpty()) {
                msg = msg.replace(s.text(), Redactor.REDACTED);
            }
            error(s, path, msg);
            return null;
        }
    }

    private static Method parseMethod(Class<?> c) {
        return PARSE.get(c).orElse(null);
    }

    private static Method findParseMethod(Class<?> c) {
        try {
            Method m = c.getMethod("parse", String.class);
            return Modifier.isStatic(m.getModifiers()) && c.isAssignableFrom(m.getReturnType()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private void error(YamlNode node, String path, String message) {
        problems.addUnlessCovered(locations.getOrDefault(path, node.location()), path, message);
    }

    /** The value for a message, with a hint when a quoted number or boolean was given. */
    private static String got(YamlNode node) {
        if (!(node instanceof YamlNode.ScalarNode s)) {
            return node.kind();
        }
        if (s.secret()) {
            return Redactor.REDACTED;
        }
        if (s.value() instanceof String str && (parseLong(str) != null || str.equals("true") || str.equals("false"))) {
            return "the string '" + str + "' (write it without quotes)";
        }
        return show(s);
    }

    private static String show(YamlNode.ScalarNode s) {
        return s.shown();
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double parseDouble(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String expected(Type t) {
        if (t instanceof ParameterizedType) {
            return "a list";
        }
        Class<?> c = (Class<?>) t;
        if (c == Integer.class) {
            return "a whole number";
        }
        if (c == Double.class) {
            return "a number";
        }
        if (c == Boolean.class) {
            return "true or false";
        }
        if (c == Duration.class) {
            return "a duration";
        }
        if (isRecord(c)) {
            int shorthand = SHAPES.get(c).shorthand();
            return shorthand >= 0 ? expected(SHAPES.get(c).genericTypes()[shorthand]) : "a map";
        }
        if (c.isEnum()) {
            return "one of: " + (parseMethod(c) != null
                    ? Arrays.stream(c.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "))
                    : enumValues(c));
        }
        if (c == String.class) {
            return "a string";
        }
        return switch (c.getSimpleName()) {
            case "HostPort" -> "an address (host:port)";
            case "Cidr" -> "an address or network (CIDR)";
            case "Condition" -> "a condition";
            case "StatusRange" -> "a status range";
            default -> "a value";
        };
    }

    private static String enumValues(Class<?> c) {
        return Arrays.stream(c.getEnumConstants()).map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    static String yamlName(RecordComponent rc) {
        YamlName n = rc.getAnnotation(YamlName.class);
        if (n != null) {
            return n.value();
        }
        return snakeCase(rc.getName());
    }

    static String snakeCase(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                sb.append('_').append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** " (did you mean 'x'?)" for a near miss, else the keys allowed here. */
    static String hint(String key, java.util.Collection<String> known) {
        String norm = key.toLowerCase(Locale.ROOT).replace('-', '_');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = k.equals(norm) ? 0 : distance(norm, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int allowed = Math.max(1, Math.min(3, key.length() / 3));
        if (best != null && bestDistance <= allowed) {
            return " (did you mean '" + best + "'?)";
        }
        return " (known keys: " + String.join(", ", known) + ")";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
