package berth.engine.container;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/** Docker-style random names ({@code eager_turing}) for containers created without {@code --name}. */
public final class NameGenerator {
    private static final String[] LEFT = {
            "admiring", "agitated", "amazing", "brave", "busy", "clever", "dazzling", "eager", "elastic", "epic",
            "focused", "friendly", "gallant", "happy", "hopeful", "jolly", "keen", "laughing", "loving", "modest",
            "nifty", "peaceful", "quirky", "relaxed", "serene", "sharp", "stoic", "tender", "upbeat", "vibrant",
            "wizardly", "zealous"};
    private static final String[] RIGHT = {
            "babbage", "bohr", "curie", "darwin", "dijkstra", "einstein", "euclid", "fermat", "feynman", "galileo",
            "hamilton", "hopper", "hypatia", "kepler", "knuth", "lamport", "lovelace", "mayer", "meitner", "newton",
            "noether", "pascal", "ritchie", "shannon", "thompson", "torvalds", "turing", "wozniak", "yalow", "zhukovsky"};

    private NameGenerator() {}

    /** A random name that {@code taken} does not hold; appends a digit after a few clashes, as docker does. */
    public static String generate(Predicate<String> taken) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            String name = LEFT[random.nextInt(LEFT.length)] + "_" + RIGHT[random.nextInt(RIGHT.length)];
            if (attempt >= 5) {
                name += random.nextInt(10);
            }
            if (!taken.test(name)) {
                return name;
            }
        }
    }
}
