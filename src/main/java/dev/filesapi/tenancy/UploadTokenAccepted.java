package dev.filesapi.tenancy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource whose routes also accept an upload token ({@link UploadTokens}) in place of an
 * API key; every other route refuses tokens.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface UploadTokenAccepted {}
