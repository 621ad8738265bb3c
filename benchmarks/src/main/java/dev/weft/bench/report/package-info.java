/** Reports generated from JMH's JSON output: tables and charts for the README. */
package dev.weft.bench.report;
