/** The OCI distribution protocol: the client that pulls and pushes images ({@code berth.registry.client}) and
 *  the registry server ({@code berth.registry.server}). */
package berth.registry;
