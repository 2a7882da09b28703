// Phones show a wide table as a stack of cards (static/css/app.css): each cell is labelled with
// its column's name here, copied from the table's head. Without this script the cards still
// stack, without the names.
(function () {
  "use strict";
  document.querySelectorAll(".table-responsive > table").forEach(function (table) {
    var heads = table.querySelectorAll("thead tr:last-child > th");
    var names = [];
    heads.forEach(function (th) {
      // The name as seen: a column headed only for screen readers (Actions, Link) gets none.
      var seen = th.cloneNode(true);
      seen.querySelectorAll(".visually-hidden").forEach(function (hidden) { hidden.remove(); });
      var name = seen.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (th.colSpan || 1); i++) { names.push(name); }
    });
    table.querySelectorAll("tbody > tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var span = cell.colSpan || 1;
        // The first cell names the card; a cell across the whole row needs no name.
        if (column > 0 && span === 1 && names[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", names[column]);
        }
        column += span;
      });
    });
  });
})();
