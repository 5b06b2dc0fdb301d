/**
 * Detection: the control plane of DESIGN.md §1.
 *
 * <p>Off the request path. The data plane records every request into a per-site
 * {@link io.rampart.traffic.TrafficRecorder}; once per tick {@link io.rampart.detect.ControlPlane}
 * drains it and, per site, reads {@link io.rampart.detect.Signals} against the
 * {@link io.rampart.detect.Baseline}, steps the {@link io.rampart.detect.Detector} (normal, suspect,
 * attack, flash crowd, recovering), recalls remembered signatures or runs the
 * {@link io.rampart.detect.SignatureSearch} under attack, moves rules along the ladder
 * ({@link io.rampart.detect.RuleBook}) and publishes a new {@link io.rampart.mitigate.Policy} that the
 * data plane reads through one volatile reference. Baselines and signatures persist through
 * {@link io.rampart.detect.StateStore}.
 */
package io.rampart.detect;
