/**
 * Twisted's paging ({@code twisted.spread.util}): a payload larger than one message sent as a stream of
 * {@code gotPage(page)} calls ended by {@code endedPaging()}, wire-compatible both ways with Twisted's
 * {@code Pager}, {@code StringPager}, {@code FilePager}, {@code CallbackPageCollector} and {@code getAllPages}.
 * {@link dev.pbj.core.paging.Pager} sends, paced by the connection's back-pressure;
 * {@link dev.pbj.core.paging.PageCollector} receives.
 */
package dev.pbj.core.paging;
