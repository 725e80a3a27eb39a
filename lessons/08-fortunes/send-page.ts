// Every variant answers the same way: the page as UTF-8 HTML with a Server header (Node adds Date).
import type { Response } from 'express';

export function sendFortunesPage(res: Response, html: string): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Server', 'hotpath');
  res.end(html);
}
