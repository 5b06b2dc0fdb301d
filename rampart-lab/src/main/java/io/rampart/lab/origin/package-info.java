/**
 * The test origin behind every target: the end of the request's path. It is a small campaign site
 * with a known, limited capacity (simulated workers, a bounded queue, a connection cap), and it
 * counts what reached it by client kind.
 */
package io.rampart.lab.origin;
