/**
 * The import report: what was translated, what was left out and why, one
 * {@link io.pointsman.agent.importer.report.Finding} per line of the input that needs saying.
 */
package io.pointsman.agent.importer.report;
