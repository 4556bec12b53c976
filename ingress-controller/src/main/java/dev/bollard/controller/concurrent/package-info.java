/**
 * Small helpers for the controller's threads (named daemon thread factories). Depends on no other
 * package of the controller.
 */
@NullMarked
package dev.bollard.controller.concurrent;

import org.jspecify.annotations.NullMarked;
