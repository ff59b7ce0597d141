/**
 * The demo root served by {@code pbj serve}: the methods of DESIGN.md's demo contract ({@code echo}, {@code add},
 * {@code fail}, {@code crash}, {@code callback}, {@code counter}), on which tests and examples in every language
 * rely. Start at {@link dev.pbj.cli.demo.DemoRoot}.
 */
package dev.pbj.cli.demo;
