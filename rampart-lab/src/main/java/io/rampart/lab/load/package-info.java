/**
 * The load generator, at the start of the request's path: simulated clients (readers, staff,
 * feed readers, API clients, flooders, slow attackers), each on its own 127.x.y.z address, and
 * the {@link io.rampart.lab.load.Tally} of everything they sent and how it ended.
 */
package io.rampart.lab.load;
