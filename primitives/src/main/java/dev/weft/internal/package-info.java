/** Helpers shared by weft's packages; not exported, not API. */
package dev.weft.internal;
