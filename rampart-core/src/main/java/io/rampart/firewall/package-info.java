/**
 * Kernel push-down: where a judged source stops costing Rampart anything. Off the request path
 * entirely; it runs on its own thread beside the control plane. Sources Rampart has already judged
 * (deny-list entries, the sources of rules at {@code block} or {@code close}, clients that keep
 * earning {@code close}) are written as elements with timeouts into sets of an nftables table that
 * Rampart owns, and the kernel drops their packets to the listener ports before a socket, a TLS
 * handshake or a parse is spent on them.
 *
 * <p>{@link io.rampart.firewall.KernelFirewall} is the component (its loop, its metrics, its
 * listing); {@link io.rampart.firewall.DropPlan} decides what goes into the sets (allow list first,
 * no overlaps, folding past the bound); {@link io.rampart.firewall.DropBackend} is the seam to the
 * kernel, implemented by {@link io.rampart.firewall.NftablesBackend} over libnftables in-process
 * ({@link io.rampart.firewall.LibNftables}) or {@code nft -f -} ({@link io.rampart.firewall.NftProcess}).
 * See ADR 0022.
 */
package io.rampart.firewall;
