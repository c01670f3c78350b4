package berth.engine;

import berth.engine.container.ContainerDoc;
import berth.engine.model.NetworkSettings;
import berth.engine.network.NetworkMode;
import berth.engine.network.Sandbox;
import berth.network.Attachment;
import berth.network.HostPorts;
import berth.network.HostRoutes;
import berth.network.Ipam;
import berth.network.Ipv4Subnet;
import berth.network.Netavark;
import berth.network.Network;
import berth.network.NetworkNamespace;
import berth.network.NetworkOptions;
import berth.network.PortMapping;
import berth.network.PortRequest;
import berth.oci.Ids;
import berth.oci.Json;
import berth.oci.container.ContainerConfig;
import berth.oci.container.EndpointConfig;
import berth.oci.container.HostConfig;
import berth.oci.errors.Conflict;
import berth.oci.errors.InvalidArgument;
import berth.oci.errors.NotFound;
import berth.store.meta.EndpointRecord;
import berth.store.meta.MetadataStore;
import berth.store.meta.NetworkRecord;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Networks and each container's place on them: the default {@code bridge} and user-defined bridge networks, the
 * attachments of containers (kept from create, or connect, to removal), and while a container runs its sandbox: a
 * network namespace that netavark set up before the runtime creates the container, with addresses leased in the
 * database and the host ports it publishes. A sandbox is torn down when its container's exit has been recorded.
 */
final class NetworkService {
    private static final System.Logger LOG = System.getLogger(NetworkService.class.getName());
    static final String DEFAULT = "bridge";
    private static final long REFILL_PAUSE_MILLIS = 300;
    private static final Pattern VALID_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private final MetadataStore metadata;
    private final EventLog events;
    private final NetworkOptions options;
    private final Netavark netavark;
    private final Path netnsDir;
    private final Map<String, Network> networks = new ConcurrentHashMap<>();
    /** container id → network id → how it joins; insertion order is interface order (eth0, eth1, …). */
    private final Map<String, Map<String, EndpointConfig>> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();
    private boolean refilling;
    private boolean closed;

    NetworkService(MetadataStore metadata, EventLog events, NetworkOptions options, Path execRoot) {
        this.metadata = metadata;
        this.events = events;
        this.options = options;
        this.netavark = new Netavark(options.netavark(), execRoot.resolve("netavark"));
        this.netnsDir = execRoot.resolve("netns");
    }

    /** Loads networks, attachments and sandboxes, and makes the default network match the daemon's options. */
    void load() {
        for (NetworkRecord r : metadata.networks()) {
            networks.put(r.id(), Json.read(r.doc(), Network.class));
        }
        for (EndpointRecord e : metadata.endpoints()) {
            endpoints.computeIfAbsent(e.containerId(), k -> new LinkedHashMap<>())
                    .put(e.networkId(), Json.read(e.doc(), EndpointConfig.class));
        }
        metadata.sandboxes().forEach((id, doc) -> sandboxes.put(id, Json.read(doc, Sandbox.class)));
        Optional<Network> existing = byName(DEFAULT);
        Network wanted = new Network(existing.map(Network::id).orElseGet(Ids::newId), DEFAULT, "bridge",
                existing.map(Network::created).orElseGet(() -> HumanTime.rfc3339(Instant.now())), options.bridgeName(),
                options.bridgeSubnet().toString(), Ipv4Subnet.format(options.bridgeGateway()), "", false, false,
                Map.of(), Map.of("com.docker.network.bridge.default_bridge", "true",
                        "com.docker.network.bridge.name", options.bridgeName()));
        if (existing.isPresent() && existing.get().equals(wanted)) {
            return;
        }
        if (existing.isPresent()) {
            if (sandboxes.values().stream().anyMatch(s -> s.links().stream()
                    .anyMatch(l -> l.networkId().equals(wanted.id())))) {
                LOG.log(System.Logger.Level.WARNING, "default bridge options changed while containers use it: "
                        + "keeping {0} on {1} until they stop", existing.get().subnet(), existing.get().interfaceName());
                return;
            }
            metadata.deleteNetwork(wanted.id());
        }
        metadata.insertNetwork(new NetworkRecord(wanted.id(), wanted.name(), Json.write(wanted)));
        networks.put(wanted.id(), wanted);
    }

    /**
     * Tears down the sandboxes of containers that no longer run (they ended while no daemon ran); spares are kept
     * when their namespace survived (a daemon restart, not a reboot), and topped up.
     */
    void sweep(Predicate<String> running) {
        for (var e : List.copyOf(sandboxes.entrySet())) {
            boolean keptSpare = e.getValue().spare() && java.nio.file.Files.exists(Path.of(e.getValue().netns()))
                    && e.getValue().links().getFirst().subnetMatches(byName(DEFAULT).orElseThrow());
            if (!keptSpare && !running.test(e.getKey())) {
                tearDown(e.getKey());
            }
        }
        refill();
    }

    // --- networks ----------------------------------------------------------------------------------------

    /** {@code POST /networks/create}: a bridge network; a subnet is checked against every other, or one is picked. */
    synchronized Network create(String name, String driver, boolean internal, String subnet, String gateway,
                                String ipRange, Map<String, String> labels, Map<String, String> netOptions) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgument("network name cannot be empty");
        }
        if (!VALID_NAME.matcher(name).matches()) {
            throw new InvalidArgument("invalid network name \"" + name + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        if (driver != null && !driver.isEmpty() && !driver.equals("bridge")) {
            throw new NotFound("plugin \"" + driver + "\" not found");
        }
        if (byName(name).isPresent()) {
            throw new Conflict("network with name " + name + " already exists");
        }
        List<Ipv4Subnet> taken = new ArrayList<>(HostRoutes.subnets());
        networks.values().forEach(n -> taken.add(n.ipv4Subnet()));
        Ipv4Subnet net;
        if (subnet != null && !subnet.isEmpty()) {
            net = Ipv4Subnet.parse(subnet);
            Ipam.refuseOverlap(net, taken);
        } else {
            if (gateway != null && !gateway.isEmpty() || ipRange != null && !ipRange.isEmpty()) {
                throw new InvalidArgument("a gateway or IP range needs a subnet");
            }
            net = Ipam.freeSubnet(options.pool(), options.poolSize(), taken);
        }
        long gw = gateway == null || gateway.isEmpty() ? net.firstHost() : Ipv4Subnet.address(gateway);
        if (!net.contains(gw) || gw == net.base() || gw == net.last()) {
            throw new InvalidArgument("gateway " + Ipv4Subnet.format(gw) + " is not a host address of subnet " + net);
        }
        String range = "";
        if (ipRange != null && !ipRange.isEmpty()) {
            Ipv4Subnet r = Ipv4Subnet.parse(ipRange);
            if (!net.contains(r)) {
                throw new InvalidArgument("IP range " + r + " is not within subnet " + net);
            }
            range = r.toString();
        }
        String id = Ids.newId();
        Network network = new Network(id, name, "bridge", HumanTime.rfc3339(Instant.now()), "br-" + id.substring(0, 12),
                net.toString(), Ipv4Subnet.format(gw), range, internal, true, labels, netOptions);
        metadata.insertNetwork(new NetworkRecord(id, name, Json.write(network)));
        networks.put(id, network);
        publish(network, "create", Map.of());
        return network;
    }

    /** A network by full id, name, or unique id prefix, as docker resolves them. */
    Network find(String name) {
        Network byId = networks.get(name);
        if (byId != null) {
            return byId;
        }
        Optional<Network> named = byName(name);
        if (named.isPresent()) {
            return named.get();
        }
        List<Network> prefixed = networks.values().stream().filter(n -> n.id().startsWith(name)).toList();
        if (prefixed.size() == 1 && !name.isEmpty()) {
            return prefixed.getFirst();
        }
        throw new NotFound("network " + name + " not found");
    }

    private Optional<Network> byName(String name) {
        return networks.values().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    List<Network> list(Filters filters) {
        Predicate<Network> keep = n -> matches(filters.get("name"), v -> n.name().contains(v))
                && matches(filters.get("id"), v -> n.id().startsWith(v))
                && matches(filters.get("driver"), v -> n.driver().equals(v))
                && matches(filters.get("type"), v -> v.equals(isBuiltin(n) ? "builtin" : "custom"))
                && matches(filters.get("dangling"), v -> Boolean.parseBoolean(v) == attached(n.id()).isEmpty())
                && matches(filters.get("label"), v -> {
                    int eq = v.indexOf('=');
                    return eq < 0 ? n.labels().containsKey(v) : v.substring(eq + 1).equals(n.labels().get(v.substring(0, eq)));
                });
        return networks.values().stream().filter(keep)
                .sorted(java.util.Comparator.comparing(Network::name)).toList();
    }

    private static boolean matches(List<String> values, Predicate<String> test) {
        return values.isEmpty() || values.stream().anyMatch(test);
    }

    private static boolean isBuiltin(Network n) {
        return n.name().equals(DEFAULT);
    }

    /** The ids of the containers attached to network {@code id}. */
    List<String> attached(String networkId) {
        List<String> ids = new ArrayList<>();
        endpoints.forEach((container, nets) -> {
            if (nets.containsKey(networkId)) {
                ids.add(container);
            }
        });
        return ids;
    }

    /** The containers on a network with their address while they run: for {@code Containers} of an inspect. */
    Map<String, Sandbox.Link> links(String networkId) {
        Map<String, Sandbox.Link> links = new LinkedHashMap<>();
        for (String container : attached(networkId)) {
            Sandbox s = sandboxes.get(container);
            links.put(container, s == null ? null : s.links().stream()
                    .filter(l -> l.networkId().equals(networkId)).findFirst().orElse(null));
        }
        return links;
    }

    void remove(String name) {
        Network n = find(name);
        if (isBuiltin(n)) {
            throw new Conflict(n.name() + " is a pre-defined network and cannot be removed");
        }
        refuseAttached(n);
        // containers already removed whose sandbox is still being torn down: finish that first (outside this
        // service's lock, which a teardown takes at its end)
        for (var e : List.copyOf(sandboxes.entrySet())) {
            if (e.getValue().links().stream().anyMatch(l -> l.networkId().equals(n.id()))) {
                tearDown(e.getKey());
            }
        }
        synchronized (this) {
            refuseAttached(n);
            metadata.deleteNetwork(n.id());
            networks.remove(n.id());
        }
        publish(n, "destroy", Map.of());
    }

    private void refuseAttached(Network n) {
        if (!attached(n.id()).isEmpty()) {
            throw new Conflict("error while removing network: network " + n.name() + " id " + n.id()
                    + " has active endpoints");
        }
    }

    /** Removes the user-defined networks no container is attached to; returns their names. */
    List<String> prune(Filters filters) {
        List<String> removed = new ArrayList<>();
        for (Network n : list(filters.allowOnly(Set.of("label", "until")))) {
            if (!isBuiltin(n) && attached(n.id()).isEmpty()) {
                try {
                    remove(n.id());
                    removed.add(n.name());
                } catch (Conflict | NotFound e) {
                    // a container joined it, or another prune took it, meanwhile
                }
            }
        }
        return removed;
    }

    private void publish(Network n, String action, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>(extra);
        attributes.put("name", n.name());
        attributes.put("type", n.driver());
        events.publish("network", action, n.id(), attributes);
    }

    // --- containers --------------------------------------------------------------------------------------

    /**
     * Checks a new container's networking before anything is made: its mode names a network that exists, the
     * addresses and aliases it asks for fit, and its published ports parse.
     */
    void check(ContainerConfig config, HostConfig hc, Map<String, EndpointConfig> endpointsConfig) {
        PortRequest.of(hc.portBindings(), hc.isPublishAllPorts(), config.exposedPorts());
        if (NetworkMode.of(hc.networkMode()) instanceof NetworkMode.Bridge(String name)) {
            Network n = find(name);
            checkEndpoint(n, configFor(n, name, endpointsConfig));
            for (var e : endpointsConfig.entrySet()) {
                if (!e.getKey().equals(hc.networkMode()) && !e.getKey().equals("default")) {
                    checkEndpoint(find(e.getKey()), e.getValue() == null ? EndpointConfig.EMPTY : e.getValue());
                }
            }
        } else if (NetworkMode.of(hc.networkMode()) instanceof NetworkMode.Container
                && hc.portBindings() != null && !hc.portBindings().isEmpty()) {
            throw new InvalidArgument("conflicting options: port publishing and the container type network mode");
        }
    }

    private static EndpointConfig configFor(Network n, String asked, Map<String, EndpointConfig> endpointsConfig) {
        EndpointConfig c = endpointsConfig.get(asked);
        if (c == null) {
            c = endpointsConfig.get("default");
        }
        if (c == null) {
            c = endpointsConfig.get(n.name());
        }
        return c == null ? EndpointConfig.EMPTY : c;
    }

    private void checkEndpoint(Network n, EndpointConfig c) {
        if (isBuiltin(n) && !c.ipv4().isEmpty()) {
            throw new InvalidArgument("user specified IP address is supported on user defined networks only");
        }
        if (isBuiltin(n) && !c.aliasList().isEmpty()) {
            throw new InvalidArgument("network-scoped alias is supported only for containers in user defined networks");
        }
        if (!c.ipv4().isEmpty() && !n.ipv4Subnet().contains(Ipv4Subnet.address(c.ipv4()))) {
            throw new InvalidArgument("invalid IPv4 address " + c.ipv4() + ": not in subnet " + n.subnet());
        }
        if (!c.mac().isEmpty() && !c.mac().matches("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}")) {
            throw new InvalidArgument(c.mac() + " is not a valid mac address");
        }
    }

    /** Records a new container's attachments (its mode's network first, then any other asked for). */
    void created(String containerId, HostConfig hc, Map<String, EndpointConfig> endpointsConfig) {
        if (!(NetworkMode.of(hc.networkMode()) instanceof NetworkMode.Bridge(String name))) {
            return;
        }
        Network primary = find(name);
        attach(containerId, primary, configFor(primary, name, endpointsConfig));
        for (var e : endpointsConfig.entrySet()) {
            if (e.getKey().equals(hc.networkMode()) || e.getKey().equals("default")) {
                continue;
            }
            Network n = find(e.getKey());
            if (!n.id().equals(primary.id())) {
                attach(containerId, n, e.getValue() == null ? EndpointConfig.EMPTY : e.getValue());
            }
        }
    }

    private void attach(String containerId, Network n, EndpointConfig c) {
        metadata.putEndpoint(containerId, n.id(), Json.write(c));
        endpoints.computeIfAbsent(containerId, k -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()))
                .put(n.id(), c);
    }

    /**
     * A removed container leaves its networks at once, for every client (a {@code network rm} right after a
     * {@code run --rm} succeeds); its sandbox is torn down after, by {@link #removed}.
     */
    void forget(String containerId) {
        if (endpoints.remove(containerId) != null) {
            metadata.deleteEndpoints(containerId);
        }
    }

    /** Forgets a removed container's attachments, sandbox and leases. */
    void removed(String containerId) {
        tearDown(containerId);
        endpoints.remove(containerId);
        metadata.deleteContainerNetworking(containerId);
    }

    /**
     * Gives a starting container its network: none (a namespace with loopback only), the host's, another running
     * container's namespace, or a sandbox on its bridge networks with addresses and published ports. Returns the
     * namespace to join (empty: a new one, or the host's) and what its hosts and resolv.conf files should say.
     */
    Started setUp(ContainerDoc doc, Function<String, String> runningContainerId) {
        HostConfig hc = doc.hostConfig();
        return switch (NetworkMode.of(hc.networkMode())) {
            case NetworkMode.None none -> Started.NONE;
            case NetworkMode.Host host -> Started.NONE;
            case NetworkMode.Container(String other) -> {
                String otherId = runningContainerId.apply(other);
                Sandbox s = sandboxes.get(otherId);
                if (s == null) {
                    throw new Conflict("cannot join the network of container " + other
                            + ": it has no network namespace of its own");
                }
                yield new Started(Optional.of(Path.of(s.netns())), "", List.of());
            }
            case NetworkMode.Bridge bridge -> bridgeSetUp(doc);
        };
    }

    /** What a started container's files need to know of its network. */
    record Started(Optional<Path> netns, String address, List<String> nameservers) {
        static final Started NONE = new Started(Optional.empty(), "", List.of());
    }

    private Started bridgeSetUp(ContainerDoc doc) {
        String id = doc.id();
        Map<String, EndpointConfig> joined = endpoints.get(id);
        if (joined == null || joined.isEmpty()) {
            // a container created before it had attachments recorded: the default network
            attach(id, byName(DEFAULT).orElseThrow(), EndpointConfig.EMPTY);
            joined = endpoints.get(id);
        }
        Sandbox sandbox = takeSpare(doc, joined).orElse(null);
        if (sandbox == null) {
            Map<String, EndpointConfig> wanted = Map.copyOf(joined);
            sandbox = build(id, doc.name(), List.copyOf(joined.keySet()), wanted::get, () -> publishedPorts(doc), false);
        }
        Sandbox.Link first = sandbox.links().getFirst();
        Network primary = networks.get(first.networkId());
        return new Started(Optional.of(Path.of(sandbox.netns())), first.address(),
                primary.dnsEnabled() ? List.of(primary.gateway()) : List.of());
    }

    /**
     * Makes a sandbox for {@code owner} on {@code networkIds} (in interface order): leases addresses and records
     * them with the sandbox in one change, creates the namespace, then runs netavark for each network. A failure
     * undoes all of it.
     */
    private Sandbox build(String owner, String ownerName, List<String> networkIds,
                          Function<String, EndpointConfig> configs, java.util.function.Supplier<List<PortMapping>> ports,
                          boolean spare) {
        Sandbox sandbox;
        Map<String, String> leases = new LinkedHashMap<>();
        synchronized (this) {
            List<PortMapping> published = ports.get();
            List<Sandbox.Link> links = new ArrayList<>();
            int index = 0;
            for (String networkId : networkIds) {
                Network n = networks.get(networkId);
                if (n == null) {
                    throw new NotFound("network " + networkId + " not found");
                }
                EndpointConfig c = configs.apply(networkId);
                String address = Ipv4Subnet.format(lease(n, c));
                leases.put(n.id(), address);
                links.add(link(owner, ownerName, n, c, "eth" + index, address, index == 0 ? published : List.of()));
                index++;
            }
            // a spare is offered only once it is whole
            sandbox = new Sandbox(netnsDir.resolve(owner).toString(), links, published, false);
            metadata.putSandbox(owner, Json.write(sandbox), leases);
            sandboxes.put(owner, sandbox);
        }
        try {
            NetworkNamespace.create(Path.of(sandbox.netns()));
            List<Sandbox.Link> done = new ArrayList<>();
            for (Sandbox.Link l : sandbox.links()) {
                Netavark.Status status = netavark.setup(Path.of(sandbox.netns()), l.request()).get(l.networkId());
                done.add(status == null ? l : new Sandbox.Link(l.networkId(), l.networkName(), l.interfaceName(),
                        l.address(), status.prefixLength(), status.gateway(), status.mac(), l.aliases(), l.request()));
                sandbox = new Sandbox(sandbox.netns(), merge(done, sandbox.links()), sandbox.ports(), false);
                sandboxes.put(owner, sandbox);
            }
            sandbox = sandbox.asSpare(spare);
            metadata.putSandbox(owner, Json.write(sandbox), leases);
            sandboxes.put(owner, sandbox);
        } catch (RuntimeException e) {
            tearDown(owner);
            throw e;
        }
        return sandbox;
    }

    private static List<Sandbox.Link> merge(List<Sandbox.Link> done, List<Sandbox.Link> all) {
        List<Sandbox.Link> merged = new ArrayList<>(done);
        merged.addAll(all.subList(done.size(), all.size()));
        return merged;
    }

    private Sandbox.Link link(String owner, String ownerName, Network n, EndpointConfig c, String iface, String address,
                              List<PortMapping> ports) {
        List<String> aliases = new ArrayList<>();
        if (n.dnsEnabled()) {
            aliases.add(ownerName);
            aliases.add(owner.substring(0, 12));
            aliases.addAll(c.aliasList());
        }
        String mac = c.mac().isEmpty() ? macOf(address) : c.mac();
        byte[] request = Netavark.request(owner, ownerName, List.of(new Attachment(n, iface, address, aliases, mac)),
                ports);
        return new Sandbox.Link(n.id(), n.name(), iface, address, n.ipv4Subnet().prefix(), n.gateway(), mac,
                c.aliasList(), request);
    }

    /**
     * docker's MAC for an address, {@code 02:42:} and its four bytes: an address handed out again comes back with
     * the same MAC, so the host's neighbour cache never sends a new container's packets to the last one's MAC.
     */
    static String macOf(String address) {
        long a = Ipv4Subnet.address(address);
        return String.format("02:42:%02x:%02x:%02x:%02x", a >> 24 & 255, a >> 16 & 255, a >> 8 & 255, a & 255);
    }

    // --- spares: sandboxes made ahead on the default network -------------------------------------------

    /**
     * Whether a container can take a spare: on the default network alone, asking for no address, MAC or port.
     * Its sandbox was made under another id; netavark's teardown takes that id back, which the request holds.
     */
    private synchronized Optional<Sandbox> takeSpare(ContainerDoc doc, Map<String, EndpointConfig> joined) {
        Network bridge = byName(DEFAULT).orElseThrow();
        EndpointConfig c = joined.get(bridge.id());
        if (joined.size() != 1 || c == null || !c.ipv4().isEmpty() || !c.mac().isEmpty()
                || !PortRequest.of(doc.hostConfig().portBindings(), doc.hostConfig().isPublishAllPorts(),
                        doc.config().exposedPorts()).isEmpty()) {
            return Optional.empty();
        }
        Optional<String> spareId = sandboxes.entrySet().stream().filter(e -> e.getValue().spare()
                && e.getValue().links().size() == 1 && e.getValue().links().getFirst().networkId().equals(bridge.id())
                && e.getValue().links().getFirst().subnetMatches(bridge)).map(Map.Entry::getKey).findFirst();
        if (spareId.isEmpty()) {
            refill();
            return Optional.empty();
        }
        Sandbox s = sandboxes.remove(spareId.get()).asSpare(false);
        metadata.moveSandbox(spareId.get(), doc.id(), Json.write(s));
        sandboxes.put(doc.id(), s);
        refill();
        return Optional.of(s);
    }

    private long spareCount() {
        return sandboxes.values().stream().filter(Sandbox::spare).count();
    }

    /**
     * Tops up the spares on a background thread, one netavark setup at a time, after a pause: a short container
     * (a {@code run --rm}) usually gives its sandbox back within it, and then nothing needs setting up.
     */
    private synchronized void refill() {
        if (refilling || closed || options.spares() <= 0) {
            return;
        }
        refilling = true;
        Thread.ofVirtual().name("spare-sandboxes").start(() -> {
            try {
                Thread.sleep(REFILL_PAUSE_MILLIS);
                while (true) {
                    synchronized (this) {
                        if (closed || spareCount() >= options.spares()) {
                            return;
                        }
                    }
                    String spareId = Ids.newId();
                    Network bridge = byName(DEFAULT).orElseThrow();
                    build(spareId, "berth-spare-" + spareId.substring(0, 12), List.of(bridge.id()),
                            x -> EndpointConfig.EMPTY, List::of, true);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot make a spare sandbox: {0}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                synchronized (this) {
                    refilling = false;
                    notifyAll();
                }
            }
        });
    }

    /**
     * Ends a container's use of its sandbox: a plain one on the default network goes back to the spares (up to twice
     * their count, so that a refill that ran meanwhile does not turn it into a teardown) when nothing may have
     * changed it ({@code reusable}: no extra capability over the network, no sysctl, no other container in it); any
     * other is torn down.
     */
    void release(String containerId, boolean reusable) {
        synchronized (this) {
            Sandbox s = sandboxes.get(containerId);
            if (s == null) {
                return;
            }
            Network bridge = byName(DEFAULT).orElseThrow();
            if (reusable && s.ports().isEmpty() && s.links().size() == 1
                    && s.links().getFirst().networkId().equals(bridge.id()) && s.links().getFirst().subnetMatches(bridge)
                    && spareCount() < 2L * options.spares()
                    && configOf(containerId).map(c -> c.ipv4().isEmpty() && c.mac().isEmpty()).orElse(false)) {
                String spareId = Ids.newId();
                Sandbox spare = s.asSpare(true);
                metadata.moveSandbox(containerId, spareId, Json.write(spare));
                sandboxes.remove(containerId);
                sandboxes.put(spareId, spare);
                return;
            }
        }
        tearDown(containerId);
    }

    private Optional<EndpointConfig> configOf(String containerId) {
        Map<String, EndpointConfig> joined = endpoints.getOrDefault(containerId, Map.of());
        return joined.size() == 1 ? Optional.of(joined.values().iterator().next()) : Optional.empty();
    }

    /** An address on {@code n}: the one asked for, or the lowest free one. Called holding this service's lock. */
    private long lease(Network n, EndpointConfig c) {
        Set<Long> used = new HashSet<>();
        for (Sandbox s : sandboxes.values()) {
            for (Sandbox.Link l : s.links()) {
                if (l.networkId().equals(n.id())) {
                    used.add(Ipv4Subnet.address(l.address()));
                }
            }
        }
        if (!c.ipv4().isEmpty()) {
            return Ipam.staticAddress(c.ipv4(), n.ipv4Subnet(), n.gatewayAddress(), used);
        }
        return Ipam.freeAddress(n.ipv4Subnet(), n.range(), n.gatewayAddress(), used);
    }

    /**
     * The host ports a starting container publishes: fixed ones must be free (not published by another container,
     * not bound by any process), the others get a free port. Called holding this service's lock.
     */
    private List<PortMapping> publishedPorts(ContainerDoc doc) {
        List<PortRequest> requests = PortRequest.of(doc.hostConfig().portBindings(),
                doc.hostConfig().isPublishAllPorts(), doc.config().exposedPorts());
        List<PortMapping> taken = new ArrayList<>();
        sandboxes.values().forEach(s -> taken.addAll(s.ports()));
        List<PortMapping> chosen = new ArrayList<>();
        for (PortRequest r : requests) {
            PortMapping mapping = null;
            if (r.anyHostPort()) {
                for (int attempt = 0; attempt < 20 && mapping == null; attempt++) {
                    PortMapping m = new PortMapping(r.hostIp(), HostPorts.freePort(r.protocol()), r.containerPort(),
                            r.protocol());
                    if (free(m, taken, chosen)) {
                        mapping = m;
                    }
                }
            } else {
                RuntimeException last = null;
                for (int port = r.hostLow(); port <= r.hostHigh() && mapping == null; port++) {
                    PortMapping m = new PortMapping(r.hostIp(), port, r.containerPort(), r.protocol());
                    try {
                        if (!free(m, taken, chosen)) {
                            throw HostPorts.inUse(m);
                        }
                        HostPorts.requireFree(m);
                        mapping = m;
                    } catch (Conflict e) {
                        last = e;
                    }
                }
                if (mapping == null) {
                    throw last;
                }
            }
            if (mapping == null) {
                throw new Conflict("no free host port for " + r.containerPort() + "/" + r.protocol());
            }
            chosen.add(mapping);
        }
        return chosen;
    }

    private static boolean free(PortMapping m, List<PortMapping> taken, List<PortMapping> chosen) {
        return taken.stream().noneMatch(m::clashes) && chosen.stream().noneMatch(m::clashes);
    }

    /** Undoes a container's sandbox: netavark teardown of each link, the namespace, the leases. */
    void tearDown(String containerId) {
        Sandbox s = sandboxes.get(containerId);
        if (s == null) {
            return;
        }
        // one teardown of a sandbox at a time; a second caller waits for the first and finds it gone
        synchronized (s) {
            if (sandboxes.get(containerId) != s) {
                return;
            }
            tearDown(containerId, s);
        }
    }

    private void tearDown(String containerId, Sandbox s) {
        for (Sandbox.Link l : s.links().reversed()) {
            try {
                netavark.teardown(Path.of(s.netns()), l.request());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "teardown of {0} on {1}: {2}", Ids.shortId(containerId),
                        l.networkName(), e.getMessage());
            }
        }
        try {
            NetworkNamespace.remove(Path.of(s.netns()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove network namespace {0}: {1}", s.netns(), e.getMessage());
        }
        synchronized (this) {
            metadata.deleteSandbox(containerId);
            sandboxes.remove(containerId);
        }
    }

    /**
     * A daemon stopping in order tears its spares down: no bridge or rule of a stopped daemon stays behind. A daemon
     * killed leaves them, and the next one takes them back.
     */
    void close() {
        synchronized (this) {
            closed = true;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (refilling && System.nanoTime() < deadline) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (var e : List.copyOf(sandboxes.entrySet())) {
            if (e.getValue().spare()) {
                tearDown(e.getKey());
            }
        }
    }

    /** Joins a container to a network: recorded always, and set up at once when it runs. */
    void connect(ContainerDoc doc, boolean running, String networkName, EndpointConfig config) {
        EndpointConfig c = config == null ? EndpointConfig.EMPTY : config;
        NetworkMode mode = NetworkMode.of(doc.hostConfig().networkMode());
        if (!(mode instanceof NetworkMode.Bridge)) {
            throw new InvalidArgument("container cannot be disconnected from host network or connected to host network");
        }
        Network n = find(networkName);
        Map<String, EndpointConfig> joined = endpoints.getOrDefault(doc.id(), Map.of());
        if (joined.containsKey(n.id())) {
            throw new Conflict("endpoint with name " + doc.name() + " already exists in network " + n.name());
        }
        checkEndpoint(n, c);
        Sandbox s = sandboxes.get(doc.id());
        if (running && s != null) {
            Sandbox.Link l;
            synchronized (this) {
                String address = Ipv4Subnet.format(lease(n, c));
                l = link(doc.id(), doc.name(), n, c, "eth" + s.links().size(), address, List.of());
                s = s.withLink(l);
                metadata.putSandbox(doc.id(), Json.write(s), leasesOf(s));
                sandboxes.put(doc.id(), s);
            }
            Netavark.Status status;
            try {
                status = netavark.setup(Path.of(s.netns()), l.request()).get(n.id());
            } catch (RuntimeException e) {
                synchronized (this) {
                    Sandbox back = s.without(n.id());
                    metadata.putSandbox(doc.id(), Json.write(back), leasesOf(back));
                    sandboxes.put(doc.id(), back);
                }
                throw e;
            }
            if (status != null) {
                Sandbox.Link done = new Sandbox.Link(l.networkId(), l.networkName(), l.interfaceName(), l.address(),
                        status.prefixLength(), status.gateway(), status.mac(), l.aliases(), l.request());
                synchronized (this) {
                    Sandbox updated = s.without(n.id()).withLink(done);
                    metadata.putSandbox(doc.id(), Json.write(updated), leasesOf(updated));
                    sandboxes.put(doc.id(), updated);
                }
            }
        }
        attach(doc.id(), n, c);
        publish(n, "connect", Map.of("container", doc.id()));
    }

    private static Map<String, String> leasesOf(Sandbox s) {
        Map<String, String> leases = new LinkedHashMap<>();
        s.links().forEach(l -> leases.put(l.networkId(), l.address()));
        return leases;
    }

    void disconnect(ContainerDoc doc, String networkName) {
        Network n = find(networkName);
        Map<String, EndpointConfig> joined = endpoints.getOrDefault(doc.id(), Map.of());
        if (!joined.containsKey(n.id())) {
            throw new Conflict("container " + doc.id() + " is not connected to network " + n.name());
        }
        Sandbox s = sandboxes.get(doc.id());
        if (s != null) {
            s.links().stream().filter(l -> l.networkId().equals(n.id())).findFirst().ifPresent(l -> {
                try {
                    netavark.teardown(Path.of(s.netns()), l.request());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "teardown of {0} on {1}: {2}", Ids.shortId(doc.id()),
                            n.name(), e.getMessage());
                }
                synchronized (this) {
                    Sandbox back = s.without(n.id());
                    metadata.putSandbox(doc.id(), Json.write(back), leasesOf(back));
                    sandboxes.put(doc.id(), back);
                }
            });
        }
        joined.remove(n.id());
        metadata.deleteEndpoint(doc.id(), n.id());
        publish(n, "disconnect", Map.of("container", doc.id()));
    }

    // --- views -------------------------------------------------------------------------------------------

    /** docker's {@code NetworkSettings} of a container: its endpoints, and its ports while it runs. */
    NetworkSettings settings(ContainerDoc doc) {
        Sandbox s = sandboxes.get(doc.id());
        Map<String, NetworkSettings.EndpointSettings> nets = new LinkedHashMap<>();
        NetworkMode mode = NetworkMode.of(doc.hostConfig().networkMode());
        if (mode instanceof NetworkMode.Bridge) {
            for (var e : endpoints.getOrDefault(doc.id(), Map.of()).entrySet()) {
                Network n = networks.get(e.getKey());
                if (n == null) {
                    continue;
                }
                Sandbox.Link l = s == null ? null : s.links().stream()
                        .filter(x -> x.networkId().equals(n.id())).findFirst().orElse(null);
                EndpointConfig c = e.getValue();
                List<String> dnsNames = n.dnsEnabled() ? dnsNames(doc, c) : null;
                nets.put(n.name(), new NetworkSettings.EndpointSettings(
                        c.ipv4().isEmpty() ? null : Map.of("IPv4Address", c.ipv4()),
                        c.aliasList().isEmpty() ? null : c.aliasList(), l == null ? c.mac() : l.mac(), n.id(),
                        l == null ? "" : endpointId(doc.id(), n.id()), l == null ? "" : l.gateway(),
                        l == null ? "" : l.address(), l == null ? 0 : l.prefixLength(), dnsNames));
            }
        } else {
            String name = switch (mode) {
                case NetworkMode.None none -> "none";
                case NetworkMode.Host host -> "host";
                default -> null;
            };
            if (name != null) {
                nets.put(name, new NetworkSettings.EndpointSettings(null, null, "", "", "", "", "", 0, null));
            }
        }
        Map<String, List<NetworkSettings.PortBinding>> ports = new LinkedHashMap<>();
        if (doc.config().exposedPorts() != null) {
            doc.config().exposedPorts().keySet().forEach(k -> ports.put(k.contains("/") ? k : k + "/tcp", null));
        }
        if (s != null) {
            for (PortMapping p : s.ports()) {
                List<NetworkSettings.PortBinding> list = ports.get(p.key());
                if (list == null) {
                    list = new ArrayList<>();
                    ports.put(p.key(), list);
                }
                list.add(new NetworkSettings.PortBinding(p.shownHostIp(), Integer.toString(p.hostPort())));
            }
        }
        Sandbox.Link first = s == null || s.links().isEmpty() ? null : s.links().getFirst();
        return new NetworkSettings("", s == null ? "" : doc.id(), s == null ? "" : s.netns(), ports,
                first == null ? "" : first.gateway(), first == null ? "" : first.address(),
                first == null ? 0 : first.prefixLength(), first == null ? "" : first.mac(), nets);
    }

    private static List<String> dnsNames(ContainerDoc doc, EndpointConfig c) {
        List<String> names = new ArrayList<>(List.of(doc.name(), doc.id().substring(0, 12)));
        names.addAll(c.aliasList());
        return names;
    }

    /** A stable endpoint id: one container on one network. */
    static String endpointId(String containerId, String networkId) {
        return containerId.substring(0, 32) + networkId.substring(0, 32);
    }

    /** docker's network resource: {@code GET /networks/{id}} and each item of {@code GET /networks}. */
    Map<String, Object> resource(Network n, Function<String, String> containerName) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Name", n.name());
        r.put("Id", n.id());
        r.put("Created", n.created());
        r.put("Scope", "local");
        r.put("Driver", n.driver());
        r.put("EnableIPv6", false);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Subnet", n.subnet());
        if (!n.ipRange().isEmpty()) {
            config.put("IPRange", n.ipRange());
        }
        config.put("Gateway", n.gateway());
        r.put("IPAM", Map.of("Driver", "default", "Options", Map.of(), "Config", List.of(config)));
        r.put("Internal", n.internal());
        r.put("Attachable", false);
        r.put("Ingress", false);
        r.put("ConfigFrom", Map.of("Network", ""));
        r.put("ConfigOnly", false);
        Map<String, Object> containers = new LinkedHashMap<>();
        links(n.id()).forEach((id, l) -> {
            if (l != null) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("Name", containerName.apply(id));
                c.put("EndpointID", endpointId(id, n.id()));
                c.put("MacAddress", l.mac());
                c.put("IPv4Address", l.address() + "/" + l.prefixLength());
                c.put("IPv6Address", "");
                containers.put(id, c);
            }
        });
        r.put("Containers", containers);
        r.put("Options", n.options());
        r.put("Labels", n.labels());
        return r;
    }
}
