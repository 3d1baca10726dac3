import type { VNode } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';

/** Preact escapes every text child and attribute: user text can never become markup. */
export const renderPage = (page: VNode): string => `<!doctype html>${renderToStaticMarkup(page)}`;
