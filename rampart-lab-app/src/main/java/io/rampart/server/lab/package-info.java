/**
 * The attack lab's command line ({@code rampart lab list|run}) and the demo's attack drill. Not in
 * any request's path: these commands start gateways (Rampart among them) as separate processes
 * and attack them from loopback addresses. The lab itself is in the {@code rampart-lab} module.
 */
package io.rampart.server.lab;
