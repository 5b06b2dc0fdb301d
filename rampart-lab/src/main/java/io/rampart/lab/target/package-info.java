/**
 * The gateways under test, in the middle of the request's path: nginx, HAProxy and Rampart, each
 * started as a child process with a generated configuration, measured through /proc, and always
 * stopped.
 */
package io.rampart.lab.target;
