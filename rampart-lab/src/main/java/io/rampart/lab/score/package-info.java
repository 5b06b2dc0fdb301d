/**
 * After the run: it turns the generator's tally and the origin's counts into one score per
 * target, and renders the score as a console table, Markdown and JSON, all from the same figures.
 */
package io.rampart.lab.score;
