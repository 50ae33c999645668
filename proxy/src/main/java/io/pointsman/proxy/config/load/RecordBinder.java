package io.pointsman.proxy.config.load;

import io.pointsman.proxy.config.Durations;
import io.pointsman.proxy.config.OneOf;
import io.pointsman.proxy.config.ScalarOrMap;
import io.pointsman.proxy.config.YamlName;
import io.pointsman.proxy.config.YamlValue;
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
 * (case-insensitive), {@code List<X>}, {@code Map<String|Integer, X>}, nested records,
 * value types with a static {@code parse(String)}, records that are either
 * ({@link ScalarOrMap}), and "one of" components: a sealed interface of records, the
 * variant chosen by a key of the enclosing map ({@link OneOf}). Every problem is reported
 * (unknown keys with a suggestion, wrong types, bad values, no or two variants) and
 * binding goes on, so one run shows them all. Records where a value was bad get
 * {@code null} there.
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
        if (type instanceof ParameterizedType pt && pt.getRawType() == Map.class) {
            return bindMap(node, pt.getActualTypeArguments()[0], pt.getActualTypeArguments()[1], path);
        }
        Class<?> c = (Class<?>) type;
        if (isRecord(c)) {
            if (node instanceof YamlNode.ScalarNode s && scalarForm(c)) {
                return scalar(s, c, path);
            }
            if (!(node instanceof YamlNode.MapNode m)) {
                error(node, path, "expected " + expected(c) + ", got " + got(node));
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
     *
     * @param variantsByKey the variant keys of the record's one-of components
     * @param oneOfs        the one-of components, by component index
     * @param valueOnly     the record is a variant whose key's value is its one component ({@link YamlValue})
     */
    private record RecordShape(Map<String, Integer> indexByKey, Type[] genericTypes, Constructor<?> constructor,
                               Map<String, Variant> variantsByKey, Map<Integer, OneOfComponent> oneOfs,
                               boolean valueOnly) {
        static RecordShape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Map<String, Integer> byKey = new LinkedHashMap<>();
            Map<String, Variant> variants = new LinkedHashMap<>();
            Map<Integer, OneOfComponent> oneOfs = new LinkedHashMap<>();
            Type[] generic = new Type[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                generic[i] = components[i].getGenericType();
                types[i] = components[i].getType();
                if (isOneOf(types[i])) {
                    List<String> keys = new ArrayList<>();
                    for (Class<?> v : types[i].getPermittedSubclasses()) {
                        String key = variantKey(v);
                        if (variants.put(key, new Variant(i, v)) != null) {
                            throw new IllegalStateException(type.getSimpleName() + ": two variants for key " + key);
                        }
                        keys.add(key);
                    }
                    oneOfs.put(i, new OneOfComponent(components[i].getAnnotation(OneOf.class), List.copyOf(keys)));
                } else {
                    byKey.put(yamlName(components[i]), i);
                }
            }
            for (String k : variants.keySet()) {
                if (byKey.containsKey(k)) {
                    throw new IllegalStateException(type.getSimpleName() + ": variant key " + k + " is also a component");
                }
            }
            boolean valueOnly = components.length == 1 && components[0].isAnnotationPresent(YamlValue.class);
            try {
                return new RecordShape(java.util.Collections.unmodifiableMap(byKey), generic,
                        type.getDeclaredConstructor(types), java.util.Collections.unmodifiableMap(variants),
                        java.util.Collections.unmodifiableMap(oneOfs), valueOnly);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
            }
        }

        /** Every key a map of this record may hold, for "did you mean" hints. */
        List<String> allKeys() {
            List<String> all = new ArrayList<>(indexByKey.keySet());
            all.addAll(variantsByKey.keySet());
            return all;
        }
    }

    /** A variant of a one-of component: its class and the component it fills. */
    private record Variant(int component, Class<?> type) {
    }

    /** A one-of component: its wording (may be null) and its variants' keys in declaration order. */
    private record OneOfComponent(OneOf wording, List<String> keys) {
        String missing() {
            return wording == null ? "needs one of: " + String.join(", ", keys)
                    : wording.owner() + " needs one " + wording.noun() + ": " + String.join(", ", keys);
        }

        String several(List<String> found) {
            String what = wording == null ? "takes exactly one of " + String.join(", ", keys)
                    : wording.owner() + " takes exactly one " + wording.noun();
            String hint = wording == null || wording.hint().isEmpty() ? "" : " (" + wording.hint() + ")";
            return what + ", found " + found.size() + ": " + String.join(", ", found) + hint;
        }
    }

    /** A sealed interface whose variants are all records. */
    private static boolean isOneOf(Class<?> c) {
        if (!c.isInterface() || !c.isSealed()) {
            return false;
        }
        for (Class<?> v : c.getPermittedSubclasses()) {
            if (!v.isRecord()) {
                return false;
            }
        }
        return true;
    }

    static String variantKey(Class<?> variant) {
        YamlName n = variant.getAnnotation(YamlName.class);
        if (n != null) {
            return n.value();
        }
        String simple = variant.getSimpleName();
        return snakeCase(Character.toLowerCase(simple.charAt(0)) + simple.substring(1));
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
        Map<Integer, List<String>> chosen = shape.oneOfs().isEmpty() ? Map.of() : new HashMap<>();
        for (YamlNode.Entry e : map.entries().values()) {
            String p = Paths.child(path, e.key());
            locations.put(p, e.keyLocation());
            Integer i = shape.indexByKey().get(e.key());
            if (i != null) {
                args[i] = bind(e.value(), shape.genericTypes()[i], p);
                continue;
            }
            Variant v = shape.variantsByKey().get(e.key());
            if (v == null) {
                problems.addUnlessCovered(e.keyLocation(), p, "unknown key '" + e.key() + "'"
                        + hint(e.key(), shape.allKeys()));
                continue;
            }
            List<String> keys = chosen.computeIfAbsent(v.component(), k -> new ArrayList<>(1));
            keys.add(e.key());
            if (keys.size() == 1) {
                args[v.component()] = bindVariant(e.value(), v.type(), p);
            }
        }
        for (Map.Entry<Integer, OneOfComponent> o : shape.oneOfs().entrySet()) {
            List<String> keys = chosen.get(o.getKey());
            if (keys == null) {
                error(map, path, o.getValue().missing());
            } else if (keys.size() > 1) {
                error(map, path, o.getValue().several(keys));
                args[o.getKey()] = null;
            }
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

    /**
     * A one-of variant from its key's value: the value itself for a {@link YamlValue}
     * variant, else a map of its components (or nothing: {@code deny:} is a deny with
     * every option at its default).
     */
    private Object bindVariant(YamlNode value, Class<?> variant, String path) {
        RecordShape shape = SHAPES.get(variant);
        if (shape.valueOnly()) {
            if (value instanceof YamlNode.NullNode) {
                error(value, path, "expected " + expected(shape.genericTypes()[0]) + ", got null");
                return null;
            }
            Object v = bind(value, shape.genericTypes()[0], path);
            if (v == null) {
                return null;
            }
            try {
                return shape.constructor().newInstance(v);
            } catch (InvocationTargetException e) {
                error(value, path, String.valueOf(e.getCause().getMessage()));
                return null;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot build " + variant.getSimpleName(), e);
            }
        }
        if (value instanceof YamlNode.NullNode) {
            return blank(variant);
        }
        if (!(value instanceof YamlNode.MapNode m)) {
            error(value, path, "expected a map, got " + got(value));
            return null;
        }
        return bindRecord(m, variant, path);
    }

    /** {@code Map<String|Integer, X>}: keys as written (an Integer key must be a whole number), values bound. */
    private Map<Object, Object> bindMap(YamlNode node, Type keyType, Type valueType, String path) {
        if (!(node instanceof YamlNode.MapNode m)) {
            error(node, path, "expected a map, got " + got(node));
            return null;
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        boolean failed = false;
        for (YamlNode.Entry e : m.entries().values()) {
            String p = Paths.child(path, e.key());
            locations.put(p, e.keyLocation());
            Object key = e.key();
            if (keyType == Integer.class) {
                Long n = parseLong(e.key());
                if (n == null || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                    problems.addUnlessCovered(e.keyLocation(), p, "expected a whole number as key, got '" + e.key() + "'");
                    failed = true;
                    continue;
                }
                key = (int) (long) n;
            }
            if (e.value() instanceof YamlNode.NullNode) {
                error(e.value(), p, "expected " + expected(valueType) + ", got null");
                failed = true;
                continue;
            }
            Object v = bind(e.value(), valueType, p);
            if (v == null) {
                failed = true;
            } else {
                out.put(key, v);
            }
        }
        return failed ? null : out;
    }

    /**
     * A record bound from a map; value records with a {@code parse(String)} are scalars,
     * unless they are {@link ScalarOrMap} (then both).
     */
    private static boolean isRecord(Class<?> c) {
        return c.isRecord() && (parseMethod(c) == null || c.isAnnotationPresent(ScalarOrMap.class));
    }

    /** Whether a value of this class may be written as a scalar. */
    private static boolean scalarForm(Class<?> c) {
        return !isRecord(c) || parseMethod(c) != null;
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
        if (element instanceof Class<?> c && (node instanceof YamlNode.ScalarNode && scalarForm(c)
                || node instanceof YamlNode.MapNode && c.isAnnotationPresent(ScalarOrMap.class))) {
            // HAProxy users write `bind: "*:80"`: a single value is a one-element list (so is a
            // single map where the elements may be scalars or maps: `bind: {address: …, tls: …}`).
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
            Object arg = s.text();
            if (parse.getParameterTypes()[0] == Boolean.class) {
                arg = scalar(s, Boolean.class, path);
                if (arg == null) {
                    return null;
                }
            }
            Object given = arg;
            return parsed(s, path, () -> {
                try {
                    return parse.invoke(null, given);
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

    /** A static {@code parse(String)}, or for a {@link ScalarOrMap} record a {@code parse(Boolean)}. */
    private static Method findParseMethod(Class<?> c) {
        for (Class<?> arg : c.isAnnotationPresent(ScalarOrMap.class) ? new Class<?>[] {String.class, Boolean.class}
                : new Class<?>[] {String.class}) {
            try {
                Method m = c.getMethod("parse", arg);
                if (Modifier.isStatic(m.getModifiers()) && c.isAssignableFrom(m.getReturnType())) {
                    return m;
                }
            } catch (NoSuchMethodException e) {
                // try the next form
            }
        }
        return null;
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
        if (t instanceof ParameterizedType pt) {
            return pt.getRawType() == Map.class ? "a map" : "a list";
        }
        Class<?> c = (Class<?>) t;
        if (c.isRecord() && c.isAnnotationPresent(ScalarOrMap.class)) {
            return c.getSimpleName().equals("Bind") ? "an address (host:port) or {address, tls}" : "a value or a map";
        }
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
            return "a map";
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
            case "Regex" -> "a regular expression";
            case "Template" -> "a text (may hold %[...] variables)";
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
