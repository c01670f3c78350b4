/** Networks for containers: bridge networks and their addresses through netavark, published ports, and the
 *  {@code /etc/hosts} and {@code /etc/resolv.conf} each container sees. */
package berth.network;
