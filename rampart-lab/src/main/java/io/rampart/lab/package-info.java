/**
 * The attack lab: plays a {@link io.rampart.lab.scenario.Scenario} against each target (the bare
 * origin, nginx, HAProxy, Rampart) and scores them side by side ({@link io.rampart.lab.LabRun}).
 * Not in any request's path: it stands outside the gateway, where the attackers and the origin
 * are. Every address it uses passes {@link io.rampart.lab.LoopbackOnly}.
 */
package io.rampart.lab;
