package berth.cli.format;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The subset of Go's text/template that docker {@code --format} strings use: fields and nested
 * fields ({@code {{.State.Status}}}), {@code {{json .}}}, {@code index}, {@code join},
 * {@code upper}/{@code lower}/{@code title}, {@code split}, {@code truncate}, {@code pad},
 * {@code len}, {@code printf} (%s %d %v), {@code println}, comparisons, pipelines,
 * {@code range}/{@code if}/{@code with} with {@code else}, variables from range, and
 * {@code {{- -}}} trimming. Values are JSON trees; a map value that is a {@link Function}
 * behaves as a method taking one string argument ({@code {{.Label "k"}}}).
 */
public final class GoTemplate {
    private final List<Node> nodes;

    private GoTemplate(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** Thrown for a template that does not parse or cannot be executed. */
    public static final class TemplateException extends RuntimeException {
        public TemplateException(String message) {
            super(message);
        }
    }

    public static GoTemplate parse(String text) {
        Parser p = new Parser(tokenize(text));
        List<Node> nodes = p.block(false);
        if (p.pos < p.tokens.size()) {
            throw new TemplateException("template: unexpected {{" + p.tokens.get(p.pos).text + "}}");
        }
        return new GoTemplate(nodes);
    }

    public String execute(Object data) {
        StringBuilder sb = new StringBuilder();
        Scope scope = new Scope(null, data);
        scope.vars.put("$", data);
        run(nodes, data, scope, sb);
        return sb.toString();
    }

    // ---------------------------------------------------------------- lexing

    private record Token(boolean action, String text) {}

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        boolean trimNextText = false;
        while (i < s.length()) {
            int open = s.indexOf("{{", i);
            String text = open < 0 ? s.substring(i) : s.substring(i, open);
            if (open < 0) {
                if (trimNextText) {
                    text = text.stripLeading();
                }
                out.add(new Token(false, text));
                break;
            }
            int close = findClose(s, open + 2);
            if (close < 0) {
                throw new TemplateException("template: unclosed action");
            }
            String inner = s.substring(open + 2, close);
            if (inner.startsWith("- ") || inner.equals("-")) {
                text = text.stripTrailing();
                inner = inner.substring(1);
            }
            if (trimNextText) {
                text = text.stripLeading();
            }
            boolean trimAfter = inner.endsWith(" -") || inner.equals("-");
            if (trimAfter) {
                inner = inner.substring(0, inner.length() - 1);
            }
            if (!text.isEmpty()) {
                out.add(new Token(false, text));
            }
            inner = inner.strip();
            if (!(inner.startsWith("/*") && inner.endsWith("*/"))) {
                out.add(new Token(true, inner));
            }
            trimNextText = trimAfter;
            i = close + 2;
        }
        return out;
    }

    private static int findClose(String s, int from) {
        boolean inString = false;
        for (int i = from; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '}' && s.charAt(i + 1) == '}') {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- parsing

    private sealed interface Node permits Text, Action, Branch {}

    private record Text(String text) implements Node {}

    private record Action(List<List<String>> pipeline, String assignVar) implements Node {}

    /** if / range / with, each with an optional else. */
    private record Branch(String kind, List<List<String>> pipeline, List<String> vars, List<Node> body, List<Node> orElse) implements Node {}

    private static final class Parser {
        final List<Token> tokens;
        int pos;
        String terminator;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        List<Node> block(boolean nested) {
            List<Node> nodes = new ArrayList<>();
            while (pos < tokens.size()) {
                Token t = tokens.get(pos++);
                if (!t.action) {
                    nodes.add(new Text(t.text));
                    continue;
                }
                String a = t.text;
                String word = firstWord(a);
                switch (word) {
                    case "end", "else" -> {
                        if (!nested) {
                            throw new TemplateException("template: unexpected {{" + a + "}}");
                        }
                        terminator = a;
                        return nodes;
                    }
                    case "if", "range", "with" -> {
                        String rest = a.substring(word.length()).strip();
                        List<String> vars = new ArrayList<>();
                        int decl = rest.indexOf(":=");
                        if (decl > 0 && rest.startsWith("$")) {
                            for (String v : rest.substring(0, decl).split(",")) {
                                vars.add(v.strip());
                            }
                            rest = rest.substring(decl + 2).strip();
                        }
                        List<Node> body = block(true);
                        List<Node> orElse = List.of();
                        if (terminator == null) {
                            throw new TemplateException("template: unexpected EOF");
                        }
                        if (terminator.startsWith("else")) {
                            String elseRest = terminator.substring(4).strip();
                            terminator = null;
                            if (elseRest.startsWith("if ")) {
                                // else if: a nested if whose end closes both
                                pos--;
                                tokens.set(pos, new Token(true, elseRest));
                                List<Node> inner = new ArrayList<>();
                                Token it = tokens.get(pos++);
                                String r2 = it.text.substring(2).strip();
                                List<Node> b2 = block(true);
                                List<Node> e2 = List.of();
                                if (terminator != null && terminator.startsWith("else")) {
                                    terminator = null;
                                    e2 = block(true);
                                }
                                inner.add(new Branch("if", pipeline(r2), List.of(), b2, e2));
                                orElse = inner;
                            } else {
                                orElse = block(true);
                            }
                        }
                        if (!"end".equals(terminator)) {
                            throw new TemplateException("template: unexpected EOF");
                        }
                        terminator = null;
                        nodes.add(new Branch(word, pipeline(rest), vars, body, orElse));
                    }
                    default -> {
                        String var = null;
                        String expr = a;
                        int decl = a.indexOf(":=");
                        if (a.startsWith("$") && decl > 0) {
                            var = a.substring(0, decl).strip();
                            expr = a.substring(decl + 2).strip();
                        }
                        nodes.add(new Action(pipeline(expr), var));
                    }
                }
            }
            if (nested) {
                terminator = null;
            }
            return nodes;
        }
    }

    private static String firstWord(String a) {
        int i = 0;
        while (i < a.length() && Character.isLetter(a.charAt(i))) {
            i++;
        }
        return a.substring(0, i);
    }

    /** Splits "json .A | upper" into commands of words, keeping quoted strings and parentheses whole. */
    private static List<List<String>> pipeline(String expr) {
        List<List<String>> cmds = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                i++;
            } else if (c == '|') {
                cmds.add(cur);
                cur = new ArrayList<>();
                i++;
            } else if (c == '"' || c == '`') {
                int j = i + 1;
                while (j < expr.length() && expr.charAt(j) != c) {
                    if (c == '"' && expr.charAt(j) == '\\') {
                        j++;
                    }
                    j++;
                }
                cur.add(expr.substring(i, Math.min(j + 1, expr.length())));
                i = j + 1;
            } else if (c == '(') {
                int depth = 0;
                int j = i;
                for (; j < expr.length(); j++) {
                    if (expr.charAt(j) == '(') {
                        depth++;
                    } else if (expr.charAt(j) == ')' && --depth == 0) {
                        break;
                    }
                }
                cur.add(expr.substring(i, Math.min(j + 1, expr.length())));
                i = j + 1;
            } else {
                int j = i;
                while (j < expr.length() && " \t\n|".indexOf(expr.charAt(j)) < 0) {
                    j++;
                }
                cur.add(expr.substring(i, j));
                i = j;
            }
        }
        cmds.add(cur);
        if (cmds.stream().anyMatch(List::isEmpty)) {
            throw new TemplateException("template: missing value for command");
        }
        return cmds;
    }

    // ---------------------------------------------------------------- execution

    private static final class Scope {
        final Scope parent;
        final Object dot;
        final Map<String, Object> vars = new HashMap<>();

        Scope(Scope parent, Object dot) {
            this.parent = parent;
            this.dot = dot;
        }

        Object lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return s.vars.get(name);
                }
            }
            throw new TemplateException("template: undefined variable: " + name);
        }
    }

    // The type tests here and below are instanceof chains, not pattern switches: each pattern switch
    // spins a class through SwitchBootstraps when first run, which the AOT cache does not keep.
    private static void run(List<Node> nodes, Object dot, Scope scope, StringBuilder out) {
        for (Node n : nodes) {
            if (n instanceof Text t) {
                out.append(t.text);
            } else if (n instanceof Action a) {
                Object v = evalPipeline(a.pipeline, dot, scope);
                if (a.assignVar != null) {
                    scope.vars.put(a.assignVar, v);
                } else {
                    out.append(print(v));
                }
            } else {
                runBranch((Branch) n, dot, scope, out);
            }
        }
    }

    private static void runBranch(Branch b, Object dot, Scope scope, StringBuilder out) {
        Object v = evalPipeline(b.pipeline, dot, scope);
        switch (b.kind) {
            case "if" -> run(truth(v) ? b.body : b.orElse, dot, new Scope(scope, dot), out);
            case "with" -> {
                if (truth(v)) {
                    run(b.body, v, new Scope(scope, v), out);
                } else {
                    run(b.orElse, dot, new Scope(scope, dot), out);
                }
            }
            default -> {
                boolean any = false;
                if (v instanceof List<?> l) {
                    for (int i = 0; i < l.size(); i++) {
                        any = true;
                        iterate(b, (long) i, l.get(i), scope, out);
                    }
                } else if (v instanceof Map<?, ?> m) {
                    for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                        any = true;
                        iterate(b, e.getKey(), e.getValue(), scope, out);
                    }
                } else if (v instanceof Number n) {
                    for (long i = 0; i < n.longValue(); i++) {
                        any = true;
                        iterate(b, i, i, scope, out);
                    }
                } else if (v != null) {
                    throw new TemplateException("template: range can't iterate over " + print(v));
                }
                if (!any) {
                    run(b.orElse, dot, new Scope(scope, dot), out);
                }
            }
        }
    }

    private static void iterate(Branch b, Object key, Object elem, Scope scope, StringBuilder out) {
        Scope s = new Scope(scope, elem);
        if (b.vars.size() == 1) {
            s.vars.put(b.vars.get(0), elem);
        } else if (b.vars.size() == 2) {
            s.vars.put(b.vars.get(0), key);
            s.vars.put(b.vars.get(1), elem);
        }
        run(b.body, elem, s, out);
    }

    private static Object evalPipeline(List<List<String>> pipeline, Object dot, Scope scope) {
        Object value = null;
        boolean first = true;
        for (List<String> cmd : pipeline) {
            List<Object> args = new ArrayList<>();
            String head = cmd.get(0);
            for (int i = 1; i < cmd.size(); i++) {
                args.add(evalArg(cmd.get(i), dot, scope));
            }
            if (!first) {
                args.add(value);
            }
            value = evalCommand(head, args, dot, scope);
            first = false;
        }
        return value;
    }

    private static Object evalCommand(String head, List<Object> args, Object dot, Scope scope) {
        if (head.startsWith(".") || head.startsWith("$") || head.startsWith("(")) {
            Object v = evalArg(head, dot, scope);
            if (v instanceof Function<?, ?> f) {
                @SuppressWarnings("unchecked")
                Function<Object, Object> fn = (Function<Object, Object>) f;
                return fn.apply(args.isEmpty() ? null : args.getFirst());
            }
            if (!args.isEmpty()) {
                throw new TemplateException("template: can't give argument to non-function " + head);
            }
            return v;
        }
        if (head.startsWith("\"") || head.startsWith("`") || Character.isDigit(head.charAt(0)) || head.equals("true") || head.equals("false") || head.equals("nil")) {
            return evalArg(head, dot, scope);
        }
        return Functions.call(head, args);
    }

    private static Object evalArg(String arg, Object dot, Scope scope) {
        char c = arg.charAt(0);
        if (c == '"') {
            return unquote(arg);
        }
        if (c == '`') {
            return arg.substring(1, arg.length() - 1);
        }
        if (c == '(') {
            return evalPipeline(pipeline(arg.substring(1, arg.length() - 1)), dot, scope);
        }
        if (arg.equals("true") || arg.equals("false")) {
            return Boolean.parseBoolean(arg);
        }
        if (arg.equals("nil")) {
            return null;
        }
        if (Character.isDigit(c) || (c == '-' && arg.length() > 1)) {
            try {
                return Long.parseLong(arg);
            } catch (NumberFormatException e) {
                return Double.parseDouble(arg);
            }
        }
        if (c == '.') {
            return arg.equals(".") ? dot : fields(dot, arg.substring(1));
        }
        if (c == '$') {
            int dotIdx = arg.indexOf('.');
            String name = dotIdx < 0 ? arg : arg.substring(0, dotIdx);
            Object v = scope.lookup(name);
            return dotIdx < 0 ? v : fields(v, arg.substring(dotIdx + 1));
        }
        return Functions.call(arg, List.of());
    }

    private static Object fields(Object v, String path) {
        if (path.indexOf('.') < 0) {
            // one name ({{.ID}}), as in every list table: evaluated for each row, so without a split
            return field(v, path);
        }
        for (String name : path.split("\\.")) {
            v = field(v, name);
        }
        return v;
    }

    private static Object field(Object v, String name) {
        if (v == null) {
            throw new TemplateException("template: nil pointer evaluating ." + name);
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new TemplateException("template: can't evaluate field " + name + " in type " + typeName(v));
        }
        Object value = m.get(name);
        return value != null || m.containsKey(name) ? value : MISSING;
    }

    /** A map key that does not exist: Go prints it as {@code <no value>}. */
    static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "<no value>";
        }
    };

    private static String typeName(Object v) {
        return v instanceof String ? "string" : v instanceof Number ? "float64" : v instanceof Boolean ? "bool"
                : v instanceof List<?> ? "[]interface {}" : "interface {}";
    }

    static String unquote(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() - 1) {
                char n = s.charAt(++i);
                sb.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static boolean truth(Object v) {
        if (v == null) {
            return false;
        } else if (v instanceof Boolean b) {
            return b;
        } else if (v instanceof String s) {
            return !s.isEmpty();
        } else if (v instanceof Number n) {
            return n.doubleValue() != 0;
        } else if (v instanceof List<?> l) {
            return !l.isEmpty();
        } else if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return v != MISSING;
    }

    /** Go's fmt %v of a JSON value: lists as [a b], maps as map[k:v] in key order. */
    public static String print(Object v) {
        StringBuilder sb = new StringBuilder();
        print(sb, v);
        return sb.toString();
    }

    private static void print(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("<nil>");
        } else if (v instanceof Double d) {
            sb.append(goFloat(d));
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                print(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            sb.append("map[");
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                if (!first) {
                    sb.append(' ');
                }
                first = false;
                sb.append(e.getKey()).append(':');
                print(sb, e.getValue());
            }
            sb.append(']');
        } else {
            sb.append(v);
        }
    }

    /** %v of a float64: integers below 1e21 print whole, others in shortest form (Go uses e+NN past 1e21). */
    private static String goFloat(double d) {
        return Json.formatDouble(d);
    }

    /** The template functions docker registers, plus Go's builtins used in practice. */
    private static final class Functions {
        static Object call(String name, List<Object> a) {
            return switch (name) {
                case "json" -> Json.write(arg(a, 0));
                case "upper" -> str(arg(a, 0)).toUpperCase(Locale.ROOT);
                case "lower" -> str(arg(a, 0)).toLowerCase(Locale.ROOT);
                case "title" -> title(str(arg(a, 0)));
                case "join" -> {
                    Object l = arg(a, 0);
                    StringBuilder sb = new StringBuilder();
                    if (l instanceof List<?> list) {
                        for (int i = 0; i < list.size(); i++) {
                            sb.append(i > 0 ? str(arg(a, 1)) : "").append(print(list.get(i)));
                        }
                    }
                    yield sb.toString();
                }
                case "split" -> List.<Object>of((Object[]) str(arg(a, 0)).split(java.util.regex.Pattern.quote(str(arg(a, 1))), -1));
                case "truncate" -> {
                    String s = str(arg(a, 0));
                    int n = (int) ((Number) arg(a, 1)).longValue();
                    yield s.length() > n ? s.substring(0, n) : s;
                }
                case "pad" -> {
                    String s = str(arg(a, 0));
                    int l = (int) ((Number) arg(a, 1)).longValue();
                    int r = (int) ((Number) arg(a, 2)).longValue();
                    yield " ".repeat(l) + s + " ".repeat(r);
                }
                case "len" -> {
                    Object v = arg(a, 0);
                    if (v instanceof List<?> l) {
                        yield (long) l.size();
                    } else if (v instanceof Map<?, ?> m) {
                        yield (long) m.size();
                    } else if (v instanceof String s) {
                        yield (long) s.length();
                    }
                    throw new TemplateException("template: len of " + print(v));
                }
                case "index" -> {
                    Object v = arg(a, 0);
                    for (int i = 1; i < a.size(); i++) {
                        Object k = a.get(i);
                        if (v instanceof Map<?, ?> m) {
                            v = m.get(str(k));
                        } else if (v instanceof List<?> l && k instanceof Number n) {
                            if (n.intValue() >= l.size()) {
                                throw new TemplateException("template: index out of range: " + n);
                            }
                            v = l.get(n.intValue());
                        } else if (v == null) {
                            v = null;
                        } else {
                            throw new TemplateException("template: can't index item of type " + typeName(v));
                        }
                    }
                    yield v == null ? MISSING : v;
                }
                case "println" -> {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < a.size(); i++) {
                        sb.append(i > 0 ? " " : "").append(print(a.get(i)));
                    }
                    yield sb.append('\n').toString();
                }
                case "print" -> {
                    StringBuilder sb = new StringBuilder();
                    for (Object o : a) {
                        sb.append(print(o));
                    }
                    yield sb.toString();
                }
                case "printf" -> printf(str(arg(a, 0)), a.subList(1, a.size()));
                case "eq" -> {
                    boolean any = false;
                    for (int i = 1; i < a.size(); i++) {
                        any |= same(arg(a, 0), a.get(i));
                    }
                    yield any;
                }
                case "ne" -> !same(arg(a, 0), arg(a, 1));
                case "not" -> !truth(arg(a, 0));
                case "and" -> {
                    Object last = null;
                    for (Object o : a) {
                        last = o;
                        if (!truth(o)) {
                            break;
                        }
                    }
                    yield last;
                }
                case "or" -> {
                    Object last = null;
                    for (Object o : a) {
                        last = o;
                        if (truth(o)) {
                            break;
                        }
                    }
                    yield last;
                }
                default -> throw new TemplateException("template: function \"" + name + "\" not defined");
            };
        }

        private static Object arg(List<Object> a, int i) {
            if (i >= a.size()) {
                throw new TemplateException("template: wrong number of args");
            }
            return a.get(i);
        }

        private static String str(Object o) {
            return o instanceof String s ? s : print(o);
        }

        private static boolean same(Object x, Object y) {
            if (x instanceof Number a && y instanceof Number b) {
                return a.doubleValue() == b.doubleValue();
            }
            return java.util.Objects.equals(x, y);
        }

        private static String title(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            boolean start = true;
            for (char c : s.toCharArray()) {
                sb.append(start ? Character.toUpperCase(c) : c);
                start = !Character.isLetterOrDigit(c);
            }
            return sb.toString();
        }

        private static String printf(String fmt, List<Object> args) {
            StringBuilder sb = new StringBuilder();
            int ai = 0;
            for (int i = 0; i < fmt.length(); i++) {
                char c = fmt.charAt(i);
                if (c == '%' && i + 1 < fmt.length()) {
                    char v = fmt.charAt(++i);
                    if (v == '%') {
                        sb.append('%');
                    } else if (v == 'q') {
                        sb.append(Json.write(str(ai < args.size() ? args.get(ai++) : "")));
                    } else {
                        sb.append(ai < args.size() ? str(args.get(ai++)) : "%!" + v + "(MISSING)");
                    }
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }
    }
}
