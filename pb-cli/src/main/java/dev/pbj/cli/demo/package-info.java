/**
 * The demo served by {@code pbj serve}: DESIGN.md's demo contract, on which tests and examples in every language
 * rely. {@link dev.pbj.cli.demo.DemoRoot} answers {@code echo}, {@code add}, {@code fail}, {@code crash},
 * {@code callback}, {@code counter}, {@code point}, {@code accept_point}, {@code room} and {@code say};
 * {@link dev.pbj.cli.demo.DemoWorld} holds what every connection of one server shares (the
 * {@link dev.pbj.cli.demo.Room}, the {@link dev.pbj.cli.demo.Board}, the portal); logging in through
 * {@link dev.pbj.cli.demo.DemoPortal} gives a {@link dev.pbj.cli.demo.DemoUser}. {@link dev.pbj.cli.demo.DemoTypes}
 * is the copy registry of servers and clients alike: {@link dev.pbj.cli.demo.Point} and the client's
 * {@link dev.pbj.cli.demo.RoomCache}.
 */
package dev.pbj.cli.demo;
