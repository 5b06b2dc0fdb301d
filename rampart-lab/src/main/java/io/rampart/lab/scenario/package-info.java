/**
 * Scenarios as YAML: who the legitimate users are, what the attack is, when it starts, and what
 * counts as success. They are read strictly, with errors that name the file, the field and the line.
 */
package io.rampart.lab.scenario;
