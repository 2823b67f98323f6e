// A <select data-searchable> (portal/widgets.py) becomes a combobox one can type into, following
// the WAI-ARIA combobox pattern (editable, list autocomplete). The <select> stays in the form
// and holds the value; without JavaScript it is used as it is.
(function () {
  "use strict";

  function fold(text) {
    return (text || "")
      .toLowerCase()
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/ё/g, "е");
  }

  var counter = 0;

  function enhance(select) {
    counter += 1;
    var multiple = select.multiple;
    var id = select.id || "searchable-" + counter;
    var listId = id + "-listbox";
    var texts = {
      results: select.getAttribute("data-text-results") || "%s",
      none: select.getAttribute("data-text-none") || "",
      remove: select.getAttribute("data-text-remove") || "%s",
      hint: select.getAttribute("data-text-hint") || ""
    };
    var options = Array.prototype.filter.call(select.options, function (option) {
      return option.value !== "";
    });
    var emptyOption = Array.prototype.find.call(select.options, function (option) {
      return option.value === "";
    });
    var items = options.map(function (option, index) {
      return {
        option: option,
        label: option.textContent.trim(),
        code: fold(option.getAttribute("data-code")),
        key: fold(option.textContent + " " + (option.getAttribute("data-alt") || "")),
        id: id + "-option-" + index
      };
    });

    var wrapper = document.createElement("div");
    wrapper.className = "searchable";
    var chips = null;
    if (multiple) {
      chips = document.createElement("ul");
      chips.className = "searchable-chips";
      wrapper.appendChild(chips);
    }
    var input = document.createElement("input");
    input.type = "text";
    input.className = "searchable-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    var hintId = id + "-hint";
    input.setAttribute("aria-describedby", hintId + (select.getAttribute("aria-describedby") ? " " + select.getAttribute("aria-describedby") : ""));
    if (select.getAttribute("aria-invalid")) {
      input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }
    var hint = document.createElement("span");
    hint.id = hintId;
    hint.className = "visually-hidden";
    hint.textContent = texts.hint;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "searchable-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    // The label of the select now labels the input.
    select.id = id + "-select";
    input.id = id;
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(input);
    wrapper.appendChild(hint);
    wrapper.appendChild(list);
    wrapper.appendChild(status);
    wrapper.appendChild(select);

    var shown = [];
    var active = -1;

    function selectedLabel() {
      var option = select.options[select.selectedIndex];
      return option && option.value !== "" ? option.textContent.trim() : "";
    }

    function renderChips() {
      if (!chips) {
        return;
      }
      chips.textContent = "";
      items.forEach(function (item) {
        if (!item.option.selected) {
          return;
        }
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "searchable-chip";
        button.textContent = item.label + " ×";
        button.setAttribute("aria-label", texts.remove.replace("%s", item.label));
        button.addEventListener("click", function () {
          item.option.selected = false;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          renderChips();
          input.focus();
        });
        li.appendChild(button);
        chips.appendChild(li);
      });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      active = index;
      shown.forEach(function (item, i) {
        var li = document.getElementById(item.id);
        if (li) {
          li.classList.toggle("is-active", i === index);
        }
      });
      if (index >= 0 && shown[index]) {
        input.setAttribute("aria-activedescendant", shown[index].id);
        var li = document.getElementById(shown[index].id);
        if (li && li.scrollIntoView) {
          li.scrollIntoView({ block: "nearest" });
        }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open(query) {
      var words = fold(query).split(/\s+/).filter(Boolean);
      shown = items.filter(function (item) {
        return words.every(function (word) {
          return item.key.indexOf(word) !== -1;
        });
      });
      // The option whose code is what was typed first ("DE": Germany, "FI": Finland before
      // Fiji), then names that start with it, then the rest, each group in its own order.
      if (words.length) {
        var typed = words.join(" ");
        var first = words[0];
        var rank = function (item) {
          if (item.code && item.code === typed) {
            return 0;
          }
          return fold(item.label).indexOf(first) === 0 ? 1 : 2;
        };
        shown = shown
          .map(function (item, index) {
            return { item: item, rank: rank(item), index: index };
          })
          .sort(function (a, b) {
            return a.rank - b.rank || a.index - b.index;
          })
          .map(function (entry) {
            return entry.item;
          });
      }
      list.textContent = "";
      shown.forEach(function (item) {
        var li = document.createElement("li");
        li.id = item.id;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", item.option.selected ? "true" : "false");
        li.textContent = item.label;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        li.addEventListener("click", function () {
          choose(item);
        });
        list.appendChild(li);
      });
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "searchable-none";
        none.textContent = texts.none;
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = shown.length ? texts.results.replace("%s", String(shown.length)) : texts.none;
      setActive(words.length && shown.length ? 0 : -1);
    }

    function choose(item) {
      if (multiple) {
        item.option.selected = true;
        input.value = "";
        renderChips();
      } else {
        item.option.selected = true;
        input.value = item.label;
      }
      select.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    }

    function settle() {
      // Leaving the field: an exact name is taken, an emptied field clears a single choice,
      // anything else goes back to what was chosen.
      if (multiple) {
        input.value = "";
        return;
      }
      var typed = fold(input.value.trim());
      if (!typed) {
        if (emptyOption) {
          emptyOption.selected = true;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
        return;
      }
      var exact = items.find(function (item) {
        return fold(item.label) === typed;
      });
      if (exact) {
        choose(exact);
      } else {
        input.value = selectedLabel();
      }
    }

    input.value = multiple ? "" : selectedLabel();
    renderChips();

    input.addEventListener("input", function () {
      open(input.value);
    });
    input.addEventListener("focus", function () {
      if (!multiple) {
        input.select();
      }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) {
          open(multiple ? input.value : "");
        }
        setActive(Math.min(active + 1, shown.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!list.hidden) {
          setActive(Math.max(active - 1, 0));
        }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && shown[active]) {
          event.preventDefault();
          choose(shown[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
          input.value = multiple ? "" : selectedLabel();
        }
      } else if (event.key === "Backspace" && multiple && !input.value) {
        var chosen = items.filter(function (item) {
          return item.option.selected;
        });
        if (chosen.length) {
          chosen[chosen.length - 1].option.selected = false;
          renderChips();
        }
      }
    });
    input.addEventListener("blur", function () {
      close();
      settle();
    });
  }

  document.querySelectorAll("select[data-searchable]").forEach(enhance);
})();
