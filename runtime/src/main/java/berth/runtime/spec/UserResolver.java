package berth.runtime.spec;

import berth.oci.errors.InvalidArgument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves docker's {@code -u name|uid[:group|gid]} against the container's own {@code /etc/passwd} and
 * {@code /etc/group}, never the host's. Numeric ids need no entry; names must exist.
 */
public final class UserResolver {
    /** The process identity of a container. */
    public record ResolvedUser(long uid, long gid, List<Long> additionalGids) {
        public ResolvedUser {
            additionalGids = List.copyOf(additionalGids);
        }
    }

    private record PasswdEntry(String name, long uid, long gid) {}

    private record GroupEntry(String name, long gid, List<String> members) {}

    private UserResolver() {}

    /**
     * @param rootfs   the container's root filesystem
     * @param user     {@code ""}/null (root), {@code name}, {@code uid}, with optional {@code :group} or {@code :gid}
     * @param groupAdd {@code --group-add} names or ids
     */
    public static ResolvedUser resolve(Path rootfs, String user, List<String> groupAdd) {
        String spec = user == null || user.isBlank() ? "0" : user.trim();
        String userPart = spec;
        String groupPart = null;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            userPart = spec.substring(0, colon);
            groupPart = spec.substring(colon + 1);
        }
        List<PasswdEntry> passwd = readPasswd(rootfs);
        List<GroupEntry> groups = readGroups(rootfs);
        long uid;
        long gid = 0;
        String userName = null;
        if (isNumber(userPart)) {
            uid = Long.parseLong(userPart);
            for (PasswdEntry e : passwd) {
                if (e.uid == uid) {
                    gid = e.gid;
                    userName = e.name;
                    break;
                }
            }
        } else {
            PasswdEntry found = null;
            for (PasswdEntry e : passwd) {
                if (e.name.equals(userPart)) {
                    found = e;
                    break;
                }
            }
            if (found == null) {
                throw new InvalidArgument("unable to find user " + userPart + ": no matching entries in passwd file");
            }
            uid = found.uid;
            gid = found.gid;
            userName = found.name;
        }
        if (groupPart != null && !groupPart.isEmpty()) {
            gid = groupId(groupPart, groups);
        }
        List<Long> extra = new ArrayList<>();
        if (userName != null) {
            for (GroupEntry g : groups) {
                if (g.members.contains(userName) && g.gid != gid && !extra.contains(g.gid)) {
                    extra.add(g.gid);
                }
            }
        }
        if (groupAdd != null) {
            for (String g : groupAdd) {
                long id = groupId(g, groups);
                if (!extra.contains(id)) {
                    extra.add(id);
                }
            }
        }
        return new ResolvedUser(uid, gid, extra);
    }

    private static long groupId(String group, List<GroupEntry> groups) {
        if (isNumber(group)) {
            return Long.parseLong(group);
        }
        for (GroupEntry g : groups) {
            if (g.name.equals(group)) {
                return g.gid;
            }
        }
        throw new InvalidArgument("unable to find group " + group + ": no matching entries in group file");
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() < 11 && s.chars().allMatch(Character::isDigit);
    }

    private static List<PasswdEntry> readPasswd(Path rootfs) {
        List<PasswdEntry> out = new ArrayList<>();
        for (String[] f : fields(rootfs.resolve("etc/passwd"))) {
            if (f.length >= 4 && isNumber(f[2]) && isNumber(f[3])) {
                out.add(new PasswdEntry(f[0], Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
        }
        return out;
    }

    private static List<GroupEntry> readGroups(Path rootfs) {
        List<GroupEntry> out = new ArrayList<>();
        for (String[] f : fields(rootfs.resolve("etc/group"))) {
            if (f.length >= 3 && isNumber(f[2])) {
                List<String> members = f.length >= 4 && !f[3].isEmpty() ? List.of(f[3].split(",")) : List.of();
                out.add(new GroupEntry(f[0], Long.parseLong(f[2]), members));
            }
        }
        return out;
    }

    /** The colon-separated fields of each line; a missing file (or a symlink, which could escape the rootfs) has none. */
    private static List<String[]> fields(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try {
            List<String[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.split(":", -1));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
