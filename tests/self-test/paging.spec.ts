import { expect, followPages, test } from './fixtures';

// followPages (lib/goto/paging.ts): GoTo's paged lists, page 0 to `totalPages`, up to a cap.

const pages =
  (totalPages: number, perPage = 2) =>
  (page: number) =>
    Promise.resolve({ items: Array.from({ length: perPage }, (_, n) => page * perPage + n), totalPages });

test('followPages reads page 0 to the last and says the list is complete', async () => {
  const asked: number[] = [];
  const result = await followPages(async (page) => {
    asked.push(page);
    return pages(3)(page);
  });

  expect(asked).toEqual([0, 1, 2]);
  expect(result).toEqual({ items: [0, 1, 2, 3, 4, 5], fetched: 3, totalPages: 3, complete: true });
});

test('followPages stops at the cap and says the list is not complete', async () => {
  const result = await followPages(pages(10), { maxPages: 2 });

  expect(result).toMatchObject({ items: [0, 1, 2, 3], fetched: 2, totalPages: 10, complete: false });
});

test('followPages stops at an empty page whatever totalPages said', async () => {
  const result = await followPages((page) => Promise.resolve({ items: page === 0 ? ['a'] : [], totalPages: 5 }));

  expect(result).toMatchObject({ items: ['a'], fetched: 2, complete: true });
});
