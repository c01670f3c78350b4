package berth.registry.server;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One page of a sorted list (tags, repositories) as the spec paginates: the entries after {@code last}, at most
 * {@code n} of them, and when more follow, the {@code Link} header that asks for the next page.
 */
record Page(List<String> entries, String next) {
    /**
     * @param all    the whole list, sorted
     * @param n      the {@code n} query parameter, or null for all
     * @param last   the {@code last} query parameter, or null to start at the beginning
     * @param path   the endpoint's path, for the next link
     */
    static Page of(List<String> all, String n, String last, String path) {
        List<String> after = last == null ? all : all.stream().filter(e -> e.compareTo(last) > 0).toList();
        if (n == null) {
            return new Page(after, null);
        }
        int limit;
        try {
            limit = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 0) {
            throw ErrorCode.UNSUPPORTED.with("n must be a number of entries, not \"" + n + "\"").withStatus(400);
        }
        if (after.size() <= limit) {
            return new Page(after, null);
        }
        List<String> page = after.subList(0, limit);
        String next = limit == 0 ? null : "<" + path + "?last=" + URLEncoder.encode(page.getLast(), StandardCharsets.UTF_8)
                + "&n=" + limit + ">; rel=\"next\"";
        return new Page(page, next);
    }

    Response addLink(Response response) {
        return next == null ? response : response.header("Link", next);
    }
}
