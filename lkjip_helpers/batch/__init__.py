"""``lkjip batch``: every agency's report and the pemda report, on Dask workers.

- :mod:`.agencies` which agencies, where their workbooks are (folders or a manifest);
- :mod:`.worker` what runs on a worker (warm imports, a kernel ahead of need, one report);
- :mod:`.summary` what the pemda report needs of each agency;
- :mod:`.run` the client: cluster, scheduling, progress, outcomes, exit status;
- :mod:`.outputs` the outcomes table and the index page.
"""
