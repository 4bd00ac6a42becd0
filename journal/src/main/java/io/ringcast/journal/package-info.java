/**
 * The engine's event log on local disk: every event the dispatcher processes is appended to checksummed segment
 * files by one writer thread, synced in groups, served back to resumes older than memory and after restarts, and
 * retained by bytes and age a whole segment at a time. See docs/JOURNAL.md.
 */
package io.ringcast.journal;
