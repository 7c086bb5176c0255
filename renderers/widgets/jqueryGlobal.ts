/**
 * jQuery as the global `jQuery`, for jQuery UI (see jqueryUi.ts). A module of its own so that the assignment
 * runs before jQuery UI's files, which ES module order would otherwise put ahead of it.
 */
import jQuery from 'jquery';

(globalThis as { jQuery?: unknown }).jQuery = jQuery;
