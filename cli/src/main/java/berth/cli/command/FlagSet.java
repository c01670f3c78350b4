package berth.cli.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Command-line flags parsed as the docker CLI's pflag does: {@code --name value},
 * {@code --name=value}, clustered shorthands ({@code -it}, {@code -p80:80}), {@code --} to end
 * flags, repeatable list flags, and pflag's error wording. Flags are declared in code, so
 * nothing is discovered by reflection at start-up.
 */
public final class FlagSet {
    /** A bad command line: printed with the usage, exit 125. */
    public static final class FlagException extends RuntimeException {
        public FlagException(String message) {
            super(message);
        }
    }

    private enum Kind { BOOL, STRING, INT, LIST }

    private record Flag(String shorthand, String name, Kind kind, String usage, Consumer<String> setter) {
        String display() {
            return shorthand == null ? "--" + name : "-" + shorthand + ", --" + name;
        }
    }

    private final Map<String, Flag> byName = new LinkedHashMap<>();
    private final Map<String, Flag> byShorthand = new LinkedHashMap<>();
    private boolean interspersed = true;
    private boolean help;

    public FlagSet interspersed(boolean on) {
        this.interspersed = on;
        return this;
    }

    public boolean helpRequested() {
        return help;
    }

    public FlagSet bool(String shorthand, String name, String usage, Consumer<Boolean> set) {
        return add(new Flag(shorthand, name, Kind.BOOL, usage, v -> set.accept(parseBool(v, shorthand, name))));
    }

    public FlagSet string(String shorthand, String name, String usage, Consumer<String> set) {
        return add(new Flag(shorthand, name, Kind.STRING, usage, set));
    }

    public FlagSet integer(String shorthand, String name, String usage, Consumer<Integer> set) {
        return add(new Flag(shorthand, name, Kind.INT, usage, v -> {
            try {
                set.accept(Integer.parseInt(v));
            } catch (NumberFormatException e) {
                throw new FlagException("invalid argument \"" + v + "\" for \"" + display(shorthand, name)
                        + "\" flag: strconv.ParseInt: parsing \"" + v + "\": invalid syntax");
            }
        }));
    }

    public FlagSet list(String shorthand, String name, String usage, List<String> target) {
        return add(new Flag(shorthand, name, Kind.LIST, usage, target::add));
    }

    private FlagSet add(Flag f) {
        byName.put(f.name, f);
        if (f.shorthand != null) {
            byShorthand.put(f.shorthand, f);
        }
        return this;
    }

    private static String display(String shorthand, String name) {
        return shorthand == null ? "--" + name : "-" + shorthand + ", --" + name;
    }

    private static boolean parseBool(String v, String shorthand, String name) {
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new FlagException("invalid argument \"" + v + "\" for \"" + display(shorthand, name)
                    + "\" flag: strconv.ParseBool: parsing \"" + v + "\": invalid syntax");
        };
    }

    /** Sets the flags found in {@code args}; returns the positional arguments. */
    public List<String> parse(List<String> args) {
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (a.startsWith("--")) {
                String body = a.substring(2);
                int eq = body.indexOf('=');
                String name = eq < 0 ? body : body.substring(0, eq);
                Flag f = byName.get(name);
                if (f == null) {
                    if (name.equals("help")) {
                        help = true;
                        continue;
                    }
                    throw new FlagException("unknown flag: --" + name);
                }
                if (eq >= 0) {
                    f.setter.accept(body.substring(eq + 1));
                } else if (f.kind == Kind.BOOL) {
                    f.setter.accept("true");
                } else if (i + 1 < args.size()) {
                    f.setter.accept(args.get(++i));
                } else {
                    throw new FlagException("flag needs an argument: --" + name);
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int j = 1; j < a.length(); j++) {
                    String sh = String.valueOf(a.charAt(j));
                    Flag f = byShorthand.get(sh);
                    if (f == null) {
                        if (sh.equals("h")) {
                            help = true;
                            continue;
                        }
                        throw new FlagException("unknown shorthand flag: '" + sh + "' in " + a);
                    }
                    String rest = a.substring(j + 1);
                    if (rest.startsWith("=")) {
                        f.setter.accept(rest.substring(1));
                        break;
                    }
                    if (f.kind == Kind.BOOL) {
                        f.setter.accept("true");
                        continue;
                    }
                    if (!rest.isEmpty()) {
                        f.setter.accept(rest);
                    } else if (i + 1 < args.size()) {
                        f.setter.accept(args.get(++i));
                    } else {
                        throw new FlagException("flag needs an argument: '" + sh + "' in -" + sh);
                    }
                    break;
                }
            } else {
                positional.add(a);
                if (!interspersed) {
                    positional.addAll(args.subList(i + 1, args.size()));
                    break;
                }
            }
        }
        return positional;
    }

    /** The "Options:" block of a help text. */
    public String usage() {
        StringBuilder sb = new StringBuilder("Options:\n");
        List<String[]> rows = new ArrayList<>();
        int width = 0;
        for (Flag f : byName.values()) {
            String left = (f.shorthand == null ? "      --" : "  -" + f.shorthand + ", --") + f.name
                    + switch (f.kind) {
                        case BOOL -> "";
                        case STRING -> " string";
                        case INT -> " int";
                        case LIST -> " list";
                    };
            rows.add(new String[] {left, f.usage});
            width = Math.max(width, left.length());
        }
        for (String[] r : rows) {
            sb.append(r[0]).repeat(' ', width - r[0].length() + 3).append(r[1]).append('\n');
        }
        return sb.toString();
    }
}
