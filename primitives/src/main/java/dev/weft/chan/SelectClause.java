package dev.weft.chan;

/**
 * One case of a {@link Select#select select}: a send, a receive, a default or a timeout, with the
 * continuation to run if it is chosen. Clauses are made by {@link SendChannel#onSend}, {@link
 * ReceiveChannel#onReceive}, {@link ReceiveChannel#onReceiveOrClosed}, {@link Select#onDefault} and
 * {@link Select#onTimeout}; they are opaque values that may be reused across selects.
 *
 * @param <R> the type of the continuation's result
 */
public sealed interface SelectClause<R> permits Clause {}
